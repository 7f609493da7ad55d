package io.lvs4j.failover;

import io.lvs4j.api.Registration;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.RoleChange;
import io.lvs4j.api.internal.DropOldestExecutor;
import java.util.List;
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

    private final Registration listening;
    private final DropOldestExecutor thread;

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
        this.thread = new DropOldestExecutor("lvs4j-takeover", capacity, ticker, (oldest, dropped) -> {
            RoleChange change = ((Change) oldest).change();
            LOG.warn("takeover actions are {} role changes behind: dropped the change to {} (epoch {}) and run the "
                    + "newer ones; {} dropped so far (this is logged at most once a minute)", capacity,
                    change.current(), change.epoch(), dropped);
        }) {
            @Override
            protected void terminated() {
                // after the last queued change: the actions are closed once, on whichever thread ends the executor
                actions.forEach(TakeoverAction::close);
            }
        };
        this.listening = failover.onRoleChange(change -> thread.execute(new Change(change, actions)));
    }

    /** Role changes dropped because the queue was full. */
    long dropped() {
        return thread.dropped();
    }

    /** WARNs logged about drops. */
    long warnings() {
        return thread.warnings();
    }

    /** Stops listening; the changes already queued still run, then the actions are closed. */
    @Override
    public void close() {
        listening.close();
        thread.shutdown();
    }
}
