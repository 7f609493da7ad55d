package io.lvs4j.api;

/**
 * A handle to a listener registration. Closing it removes the listener; closing twice does nothing.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /** Removes the listener. Never throws. */
    @Override
    void close();
}
