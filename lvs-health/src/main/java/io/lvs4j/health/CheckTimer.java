package io.lvs4j.health;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a health monitor's delayed tasks. Production code uses {@link #of(ScheduledExecutorService)}; tests pass a
 * timer they advance by hand, so delay loops, retries and warm-ups run exactly and fast.
 */
@FunctionalInterface
public interface CheckTimer {

    /**
     * Runs {@code task} once after {@code delayNanos}.
     *
     * @return an action that cancels the task if it has not run
     */
    Runnable schedule(Runnable task, long delayNanos);

    /** A timer backed by {@code executor}. */
    static CheckTimer of(ScheduledExecutorService executor) {
        return (task, delayNanos) -> {
            ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
