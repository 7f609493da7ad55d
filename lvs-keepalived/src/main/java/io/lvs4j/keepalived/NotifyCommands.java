package io.lvs4j.keepalived;

import io.lvs4j.api.Ticker;
import io.lvs4j.api.internal.DropOldestExecutor;
import io.lvs4j.failover.TakeoverActions;
import java.io.IOException;
import java.util.List;
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

    /** Commands that may wait behind the one running. */
    static final int DEFAULT_CAPACITY = 64;

    /** Runs one command; {@link TakeoverActions#run} in production. */
    interface Runner {
        void run(List<String> command) throws IOException, InterruptedException;
    }

    private final Runner runner;
    private final DropOldestExecutor thread;

    NotifyCommands() {
        this(DEFAULT_CAPACITY, Ticker.system(), command -> TakeoverActions.run(command));
    }

    NotifyCommands(int capacity, Ticker ticker, Runner runner) {
        this.runner = runner;
        this.thread = new DropOldestExecutor("lvs4j-notify", capacity, ticker, (oldest, dropped) ->
                LOG.warn("notify commands are {} behind: dropped {} and run the newer ones; {} dropped so far (this "
                        + "is logged at most once a minute)", capacity, ((Command) oldest).command(), dropped));
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

    /** Commands dropped because the queue was full. */
    long dropped() {
        return thread.dropped();
    }

    /** WARNs logged about drops. */
    long warnings() {
        return thread.warnings();
    }

    /** Lets the queued commands run, then ends the thread. */
    void shutdown() {
        thread.shutdown();
    }
}
