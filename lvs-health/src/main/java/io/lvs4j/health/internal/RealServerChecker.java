package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.CheckCompleted;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.health.HealthMonitorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check loop of one real server: run the check; a failure is retried {@code retry} times, {@code delayBeforeRetry}
 * apart, before it counts; {@code fall} counted failures in a row take the server down (or to weight 0), {@code rise}
 * passes in a row bring it back; the next check follows {@code delayLoop} after the last one ended.
 */
final class RealServerChecker {

    private static final Logger LOG = LoggerFactory.getLogger(RealServerChecker.class);

    private final DefaultHealthMonitor monitor;
    private final DefaultHealthMonitor.Watched watched;
    private final RealServer realServer;
    private final HealthCheck check;
    private boolean healthy; // guarded by monitor
    private int passes; // guarded by monitor
    private int failures; // guarded by monitor
    private int retriesLeft; // guarded by monitor
    private int savedWeight; // guarded by monitor
    private boolean stopped; // guarded by monitor
    private @Nullable Runnable cancel; // guarded by monitor
    private volatile long startedNanos; // the running check's start, for its latency

    RealServerChecker(DefaultHealthMonitor monitor, DefaultHealthMonitor.Watched watched, RealServer realServer,
                      HealthCheck check) {
        this.monitor = monitor;
        this.watched = watched;
        this.realServer = realServer;
        this.check = check;
        this.retriesLeft = config().retry();
        this.savedWeight = realServer.weight();
        this.healthy = !config().alpha();
        if (!healthy) {
            markDown();
        }
    }

    /** This server's settings now (a reload may change them between two checks). */
    private HealthMonitorConfig config() {
        return monitor.config(watched, realServer);
    }

    RealServer realServer() {
        return realServer;
    }

    boolean healthy() {
        return healthy;
    }

    /** Schedules the first check; called under the monitor's lock. */
    void start(long firstDelayNanos) {
        cancel = monitor.timer().schedule(this::run, firstDelayNanos);
    }

    /** Stops the loop; called under the monitor's lock. */
    void stop() {
        stopped = true;
        Runnable c = cancel;
        if (c != null) {
            c.run();
        }
    }

    private void run() {
        synchronized (monitor) {
            if (stopped) {
                return;
            }
        }
        CompletionStage<CheckResult> stage;
        startedNanos = System.nanoTime();
        try {
            stage = check.check(realServer);
        } catch (RuntimeException e) {
            completed(null, e);
            return;
        }
        stage.whenComplete(this::completed);
    }

    private void completed(@Nullable CheckResult result, @Nullable Throwable error) {
        List<HealthEvent> events = new ArrayList<>();
        long latencyNanos = Math.max(0, System.nanoTime() - startedNanos);
        boolean passed = error == null && result != null && result.healthy();
        String detail = error != null ? error.toString() : result == null ? "no result" : result.detail();
        VirtualService service;
        synchronized (monitor) {
            if (stopped) {
                return;
            }
            service = watched.service;
            long next = config().delayLoop().toNanos();
            long jitter = config().jitter().toNanos();
            if (jitter > 0) {
                next += ThreadLocalRandom.current().nextLong(jitter + 1);
            }
            if (passed) {
                retriesLeft = config().retry();
                failures = 0;
                passes++;
                if (result.weight() != CheckResult.KEEP_WEIGHT) {
                    applyDynamicWeight(result.weight());
                }
                if (!healthy && passes >= config().rise()) {
                    healthy = true;
                    markUp();
                    LOG.info("{} of {} is up: {}", realServer.address(), watched.service.name(), detail);
                    events.add(new HealthEvent.RealServerUp(watched.service, realServer, detail));
                } else if (healthy && realServer.state() == RealServerState.DOWN) {
                    // set down outside this loop (an operator's maintenance) and let go before enough failed checks
                    // were counted: this loop still believes the server healthy and would never mark it up again (the
                    // weight is left alone: it is the operator's or the file's, not one this loop saved)
                    realServer.setState(RealServerState.UP);
                    LOG.info("{} of {} is up again: {}", realServer.address(), watched.service.name(), detail);
                    events.add(new HealthEvent.RealServerUp(watched.service, realServer, detail));
                }
            } else if (retriesLeft > 0) {
                retriesLeft--;
                next = config().delayBeforeRetry().toNanos();
                LOG.debug("{}: check failed ({}), retrying", realServer.address(), detail);
            } else {
                retriesLeft = config().retry();
                passes = 0;
                failures++;
                if (healthy && failures >= config().fall()) {
                    healthy = false;
                    markDown();
                    LOG.info("{} of {} is down: {}", realServer.address(), watched.service.name(), detail);
                    events.add(new HealthEvent.RealServerDown(watched.service, realServer, detail));
                }
            }
            monitor.updateQuorum(watched, events);
            cancel = monitor.timer().schedule(this::run, next);
        }
        if (monitor.observesChecks()) {
            monitor.publish(new CheckCompleted(service, realServer, passed, Duration.ofNanos(latencyNanos),
                    detail));
        }
        monitor.publish(events);
    }

    private void applyDynamicWeight(int weight) {
        if (healthy || !config().inhibitOnFailure()) {
            realServer.setWeight(weight);
        }
        savedWeight = weight;
    }

    private void markUp() {
        if (config().inhibitOnFailure()) {
            realServer.setWeight(savedWeight);
        }
        realServer.setState(RealServerState.UP);
    }

    private void markDown() {
        if (config().inhibitOnFailure()) {
            if (realServer.weight() > 0) {
                savedWeight = realServer.weight();
            }
            realServer.setWeight(0);
        } else {
            realServer.setState(RealServerState.DOWN);
        }
    }
}
