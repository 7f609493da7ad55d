package io.lvs4j.forward.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The connect, idle and half-closed deadlines of one event loop's TCP connections, without a scheduled task per
 * connection. Each kind of deadline has one fixed timeout per director, so each kind keeps its timers in a list
 * ordered by deadline just by appending (an idle timer moves to the end when its connection reads): adding, moving and
 * removing a timer are a few pointer writes instead of a task object and a priority-queue insert and remove. One task
 * per event loop wakes at the earliest deadline of the three lists; in steady load it runs about once per connect
 * timeout, not once per connection (docs/benchmarks.md, "Where a connection's CPU goes").
 *
 * <p>Only the event loop's thread uses an instance.
 */
final class ConnectionTimers {

    /** A timer on one of the lists; {@link #expire()} runs on the event loop when its deadline passes. */
    abstract static class Timer {
        private @Nullable Timer prev;
        private @Nullable Timer next;
        private @Nullable Line line;
        private long deadline;

        /** Whether the timer is on a list (added and neither removed nor expired). */
        final boolean pending() {
            return line != null;
        }

        /** Called once when the deadline has passed, after the timer left its list. */
        abstract void expire();
    }

    /** One kind of deadline: a fixed timeout, timers in deadline order. */
    final class Line {
        private final long timeoutNanos;
        private @Nullable Timer head;
        private @Nullable Timer tail;

        Line(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }

        /** Starts {@code t} (removing it first if it runs): it expires one timeout from now. */
        void start(Timer t) {
            start(t, clock.getAsLong());
        }

        /** As {@link #start(Timer)}, with the current time already read. */
        void start(Timer t, long now) {
            if (t.line != null) {
                t.line.unlink(t);
            }
            t.deadline = now + timeoutNanos;
            t.line = this;
            t.prev = tail;
            t.next = null;
            if (tail == null) {
                head = t;
            } else {
                tail.next = t;
            }
            tail = t;
            wakeBy(t.deadline);
        }

        private void unlink(Timer t) {
            if (t.prev == null) {
                head = t.next;
            } else {
                t.prev.next = t.next;
            }
            if (t.next == null) {
                tail = t.prev;
            } else {
                t.next.prev = t.prev;
            }
            t.prev = null;
            t.next = null;
            t.line = null;
        }
    }

    private final @Nullable EventLoop loop;
    private final LongSupplier clock;
    private final Line[] lines;
    private @Nullable ScheduledFuture<?> wakeup;
    private long wakeupAt;

    /**
     * Timers on {@code loop}, reading the time from {@code clock} (nanoseconds); with a {@code null} loop nothing wakes
     * on its own and {@link #expireDue(long)} must be called (tests).
     */
    ConnectionTimers(@Nullable EventLoop loop, LongSupplier clock, long... timeoutsNanos) {
        this.loop = loop;
        this.clock = clock;
        this.lines = new Line[timeoutsNanos.length];
        for (int i = 0; i < timeoutsNanos.length; i++) {
            lines[i] = new Line(timeoutsNanos[i]);
        }
    }

    /** The list of the {@code i}th timeout given to the constructor. */
    Line line(int i) {
        return lines[i];
    }

    /** Stops {@code t} if it runs. */
    static void stop(Timer t) {
        Line l = t.line;
        if (l != null) {
            l.unlink(t);
        }
    }

    /**
     * Expires every timer whose deadline is at or before {@code now}, in deadline order per list; returns the earliest
     * deadline still pending, or {@link Long#MAX_VALUE} when no timer is.
     */
    long expireDue(long now) {
        long next = Long.MAX_VALUE;
        for (Line l : lines) {
            for (Timer t = l.head; t != null; t = l.head) {
                if (t.deadline - now > 0) {
                    next = Math.min(next, t.deadline);
                    break;
                }
                l.unlink(t);
                t.expire(); // may start or stop timers, on any list
            }
        }
        // an expiry may have started a timer on a list already passed
        for (Line l : lines) {
            if (l.head != null) {
                next = Math.min(next, l.head.deadline);
            }
        }
        return next;
    }

    /** Makes sure the wake-up task runs by {@code deadline}. */
    private void wakeBy(long deadline) {
        EventLoop l = loop;
        if (l == null || (wakeup != null && wakeupAt - deadline <= 0)) {
            return;
        }
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        wakeupAt = deadline;
        wakeup = l.schedule(this::wake, Math.max(0, deadline - clock.getAsLong()), TimeUnit.NANOSECONDS);
    }

    private void wake() {
        wakeup = null;
        long next = expireDue(clock.getAsLong());
        if (next != Long.MAX_VALUE) {
            wakeBy(next);
        }
    }
}
