package io.lvs4j.health;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link CheckTimer} driven by the test: tasks run, in time order, only when {@link #advance} passes them. */
final class ManualTimer implements CheckTimer {

    private record Task(long due, long seq, Runnable run) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public synchronized Runnable schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + delayNanos, seq++, task);
        tasks.add(t);
        return () -> {
            synchronized (this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves time forward, running every task that falls due (including tasks those tasks schedule). */
    void advance(Duration d) {
        long end;
        synchronized (this) {
            end = now + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > end) {
                    now = end;
                    return;
                }
                tasks.poll();
                now = next.due;
            }
            next.run.run();
        }
    }

    synchronized int pending() {
        return tasks.size();
    }
}
