package io.lvs4j.api.internal;

import io.lvs4j.api.Ticker;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs tasks in the order they come, with at most {@code capacity} waiting: lvs-failover's
 * takeover actions and lvs-keepalived's notify commands both queue their work here, so a flapping node or real server
 * behind a slow command cannot grow a queue without bound. A task that comes with the queue full is queued and the
 * oldest waiting one is dropped, so the newest always runs. Drops are counted, and the {@link DropListener} hears of
 * one at the first drop and then at most once a minute (to log a WARN). After {@link #shutdown()} nothing more is
 * queued and what waits still runs. Not API.
 */
public class DropOldestExecutor extends ThreadPoolExecutor {

    private static final long WARN_EVERY = Duration.ofMinutes(1).toNanos();

    /** What a {@link DropOldestExecutor} says of a dropped task when a warning is due. */
    @FunctionalInterface
    public interface DropListener {

        /** {@code oldest} was dropped; {@code droppedSoFar} counts it. Runs on the thread that queued the newer task. */
        void dropped(Runnable oldest, long droppedSoFar);
    }

    private final Ticker ticker;
    private final DropListener warn;
    private long dropped; // guarded by this
    private long warnings; // guarded by this
    private long lastWarning; // guarded by this

    /**
     * A running executor whose one thread is called {@code threadName}.
     *
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public DropOldestExecutor(String threadName, int capacity, Ticker ticker, DropListener warn) {
        super(1, 1, 0, TimeUnit.NANOSECONDS, queue(capacity), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }, (r, executor) -> {
            if (!executor.isShutdown()) {
                Runnable oldest = executor.getQueue().poll();
                if (oldest != null) {
                    ((DropOldestExecutor) executor).dropped(oldest);
                }
                executor.execute(r);
            }
        });
        this.ticker = ticker;
        this.warn = warn;
    }

    private static ArrayBlockingQueue<Runnable> queue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        return new ArrayBlockingQueue<>(capacity);
    }

    private synchronized void dropped(Runnable oldest) {
        dropped++;
        long now = ticker.read();
        if (warnings > 0 && now - lastWarning < WARN_EVERY) {
            return;
        }
        warnings++;
        lastWarning = now;
        warn.dropped(oldest, dropped);
    }

    /** Tasks dropped because the queue was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Times the {@link DropListener} was told. */
    public synchronized long warnings() {
        return warnings;
    }
}
