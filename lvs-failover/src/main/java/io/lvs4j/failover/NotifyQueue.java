package io.lvs4j.failover;

import io.lvs4j.api.Registration;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.RoleChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The takeover actions attached to one failover ({@link TakeoverActions#attach}): one thread runs them on each role
 * change in order; at most {@code capacity} changes wait for it. When a change arrives with the queue full (a
 * flapping node behind a slow notify command), the oldest waiting change is dropped so that the newest, the role the
 * node is in now, is always run. Drops are counted, and a WARN says so at most once a minute.
 */
final class NotifyQueue implements Registration {

    private static final Logger LOG = LoggerFactory.getLogger(TakeoverActions.class);
    private static final long WARN_EVERY = Duration.ofMinutes(1).toNanos();

    private final int capacity;
    private final Ticker ticker;
    private final Registration listening;
    private final ThreadPoolExecutor thread;
    private long dropped;
    private long warnings;
    private long lastWarning;

    /** One role change for every action, in order; a failing action stops neither the others nor later changes. */
    private record Change(RoleChange change, List<TakeoverAction> actions) implements Runnable {
        @Override
        public void run() {
            for (TakeoverAction a : actions) {
                try {
                    a.roleChanged(change);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    LOG.warn("takeover action {} failed on {} -> {}", a, change.previous(), change.current(), e);
                }
            }
        }
    }

    NotifyQueue(Failover failover, int capacity, Ticker ticker, List<TakeoverAction> actions) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.ticker = ticker;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.NANOSECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "lvs4j-takeover");
            t.setDaemon(true);
            return t;
        }, (r, executor) -> {
            if (!executor.isShutdown()) {
                Runnable oldest = executor.getQueue().poll();
                if (oldest instanceof Change c) {
                    dropped(c.change());
                }
                executor.execute(r);
            }
        }) {
            @Override
            protected void terminated() {
                // after the last queued change: the actions are closed once, on whichever thread ends the executor
                actions.forEach(TakeoverAction::close);
            }
        };
        this.listening = failover.onRoleChange(change -> thread.execute(new Change(change, actions)));
    }

    private synchronized void dropped(RoleChange change) {
        dropped++;
        long now = ticker.read();
        if (warnings > 0 && now - lastWarning < WARN_EVERY) {
            return;
        }
        warnings++;
        lastWarning = now;
        LOG.warn("takeover actions are {} role changes behind: dropped the change to {} (epoch {}) and run the newer "
                + "ones; {} dropped so far (this is logged at most once a minute)", capacity, change.current(),
                change.epoch(), dropped);
    }

    /** Role changes dropped because the queue was full. */
    synchronized long dropped() {
        return dropped;
    }

    /** WARNs logged about drops. */
    synchronized long warnings() {
        return warnings;
    }

    /** Stops listening; the changes already queued still run, then the actions are closed. */
    @Override
    public void close() {
        listening.close();
        thread.shutdown();
    }
}
