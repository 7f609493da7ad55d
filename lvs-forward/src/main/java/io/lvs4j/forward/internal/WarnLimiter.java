package io.lvs4j.forward.internal;

import io.lvs4j.api.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a repeated warning through once a minute at most, so that a flood is reported without a line per packet or
 * per failed accept. Thread-safe; asked only when something went wrong, never per packet.
 */
final class WarnLimiter {

    /** The least time between two warnings of one limiter. */
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Ticker ticker;
    private final AtomicLong next = new AtomicLong();
    private volatile boolean warned;

    WarnLimiter(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Whether to log now: the first time, then when a minute has passed since the last warning. */
    boolean due() {
        long now = ticker.read();
        if (!warned) {
            synchronized (this) {
                if (!warned) {
                    next.set(now + INTERVAL_NANOS);
                    warned = true;
                    return true;
                }
            }
        }
        long at = next.get();
        return now - at >= 0 && next.compareAndSet(at, now + INTERVAL_NANOS);
    }
}
