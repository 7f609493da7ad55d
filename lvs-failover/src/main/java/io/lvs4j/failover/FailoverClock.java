package io.lvs4j.failover;

/**
 * The clocks a {@link VrrpFailover} reads: a wall clock, sent in adverts and checked only when a peer's run (boot) is
 * first heard, and a monotonic clock, for uptimes, the replay window within a run, the preempt delay and log rate
 * limits. {@link #system()} in production; tests pass one they step by hand. Implementations must be thread-safe.
 */
public interface FailoverClock {

    /** Milliseconds since the epoch, as {@link System#currentTimeMillis()}; may step. */
    long wallMillis();

    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}; never steps. */
    long nanoTime();

    /** The system's clocks. */
    static FailoverClock system() {
        return SystemClock.INSTANCE;
    }
}

/** {@link FailoverClock#system()}. */
enum SystemClock implements FailoverClock {
    INSTANCE;

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
