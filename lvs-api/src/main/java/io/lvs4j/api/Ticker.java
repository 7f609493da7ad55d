package io.lvs4j.api;

/**
 * A source of monotonic time in nanoseconds, like {@link System#nanoTime()}. Every time-dependent part of lvs4j takes
 * a ticker so tests can advance time by hand instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

    /** Returns the current reading in nanoseconds; only differences between readings are meaningful. */
    long read();

    /** The ticker backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
