package io.lvs4j.forward.internal;

import io.lvs4j.api.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * Lets a repeated warning through once a minute at most, so that a flood is reported without a line per packet or
 * per failed accept. Not thread-safe: each limiter belongs to one event loop.
 */
final class WarnLimiter {

    /** The least time between two warnings of one limiter. */
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Ticker ticker;
    private boolean warned;
    private long last;

    WarnLimiter(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Whether to log now: the first time, then when a minute has passed since the last warning. */
    boolean due() {
        long now = ticker.read();
        if (!warned || now - last >= INTERVAL_NANOS) {
            warned = true;
            last = now;
            return true;
        }
        return false;
    }
}
