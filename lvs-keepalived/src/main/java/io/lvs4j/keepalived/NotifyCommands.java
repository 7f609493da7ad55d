package io.lvs4j.keepalived;

import io.lvs4j.api.Ticker;
import io.lvs4j.failover.TakeoverActions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual servers' notify commands ({@code notify_up}, {@code notify_down}, {@code quorum_up},
 * {@code quorum_down}): one thread runs them in order, off the health monitor's thread; at most {@code capacity} wait.
 * A flapping real server behind a slow command cannot grow the queue without bound: when it is full the oldest
 * waiting command is dropped, counted, and a WARN says so at most once a minute.
 */
final class NotifyCommands {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommands.class);
    private static final long WARN_EVERY = Duration.ofMinutes(1).toNanos();

    /** Commands that may wait behind the one running. */
    static final int DEFAULT_CAPACITY = 64;

    /** Runs one command; {@link TakeoverActions#run} in production. */
    interface Runner {
        void run(List<String> command) throws IOException, InterruptedException;
    }

    private final int capacity;
    private final Ticker ticker;
    private final Runner runner;
    private final ThreadPoolExecutor thread;
    private long dropped; // guarded by this
    private long warnings; // guarded by this
    private long lastWarning; // guarded by this

    NotifyCommands() {
        this(DEFAULT_CAPACITY, Ticker.system(), command -> TakeoverActions.run(command));
    }

    NotifyCommands(int capacity, Ticker ticker, Runner runner) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.ticker = ticker;
        this.runner = runner;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.NANOSECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "lvs4j-notify");
            t.setDaemon(true);
            return t;
        }, (r, executor) -> {
            if (!executor.isShutdown()) {
                Runnable oldest = executor.getQueue().poll();
                if (oldest instanceof Command c) {
                    dropped(c.command());
                }
                executor.execute(r);
            }
        });
    }

    private record Command(List<String> command, Runner runner) implements Runnable {
        @Override
        public void run() {
            try {
                runner.run(command);
            } catch (IOException e) {
                LOG.warn("{} could not run: {}", command, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Queues {@code command}; never blocks. After {@link #shutdown()} nothing more runs. */
    void submit(List<String> command) {
        if (!command.isEmpty() && !thread.isShutdown()) {
            thread.execute(new Command(command, runner));
        }
    }

    private synchronized void dropped(List<String> command) {
        dropped++;
        long now = ticker.read();
        if (warnings > 0 && now - lastWarning < WARN_EVERY) {
            return;
        }
        warnings++;
        lastWarning = now;
        LOG.warn("notify commands are {} behind: dropped {} and run the newer ones; {} dropped so far (this is "
                + "logged at most once a minute)", capacity, command, dropped);
    }

    /** Commands dropped because the queue was full. */
    synchronized long dropped() {
        return dropped;
    }

    /** WARNs logged about drops. */
    synchronized long warnings() {
        return warnings;
    }

    /** Lets the queued commands run, then ends the thread. */
    void shutdown() {
        thread.shutdown();
    }
}
