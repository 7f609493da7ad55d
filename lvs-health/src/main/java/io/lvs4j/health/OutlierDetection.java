package io.lvs4j.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.health.OutlierDetector;
import io.lvs4j.api.internal.RealServerEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health checking from real traffic (Envoy's outlier detection), fed by the forwarding engine's connect
 * outcomes. Each real server has a count of its consecutive failed connects; when it reaches
 * {@link OutlierDetectionConfig#consecutiveFailures()} the server is {@linkplain RealServer#isEjected ejected} for the base ejection time times the number of its ejections (capped),
 * unless that would eject more than the maximum share of servers or leave fewer usable servers than the panic
 * threshold. In panic every ejection is lifted: spreading load over every server beats overloading the few left.
 *
 * <p>{@link #onSuccess} and {@link #onFailure} run on event loops, once per connect: they take no lock (a success
 * on a server with no failure counted is one volatile read, a failure one compare-and-set), and only the failure
 * that completes a run takes the short lock of the ejection decision. While a server is ejected, or its ejection is
 * being decided, what its connects report is not counted (connects still in flight when it was ejected cannot eject
 * it again); its count starts from zero when it comes back.
 */
public final class OutlierDetection implements OutlierDetector {

    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetection.class);

    private final OutlierDetectionConfig config;
    private final CheckTimer timer;
    private final Map<RealServer, Tracked> servers = new ConcurrentHashMap<>();
    private final Map<RealServer, Integer> ejections = new IdentityHashMap<>(); // guarded by this
    private boolean panic; // guarded by this

    /** One real server's consecutive failed connects, or {@link #OPEN} while it is ejected or being decided. */
    private static final class Tracked {
        static final int OPEN = -1;
        final RealServer realServer;
        final AtomicInteger failures = new AtomicInteger();

        Tracked(RealServer realServer) {
            this.realServer = realServer;
        }

        /** Counts a success: the run of failures is over (nothing to do while open). */
        void success() {
            for (int v = failures.get(); v > 0; v = failures.get()) {
                if (failures.compareAndSet(v, 0)) {
                    return;
                }
            }
        }

        /** Counts a failure; true for the one failure that completes a run of {@code limit}, which opens the count. */
        boolean failure(int limit) {
            for (int v = failures.get(); v != OPEN; v = failures.get()) {
                int next = v + 1 >= limit ? OPEN : v + 1;
                if (failures.compareAndSet(v, next)) {
                    return next == OPEN;
                }
            }
            return false;
        }

        /** Starts counting again from zero. */
        void reset() {
            failures.set(0);
        }
    }

    /** A detector whose ejections end on {@code timer}; give it to {@code DirectorBuilder.outlierDetector}. */
    public static OutlierDetection create(OutlierDetectionConfig config, CheckTimer timer) {
        return new OutlierDetection(Objects.requireNonNull(config, "config"), Objects.requireNonNull(timer, "timer"));
    }

    private OutlierDetection(OutlierDetectionConfig config, CheckTimer timer) {
        this.config = config;
        this.timer = timer;
    }

    @Override
    public void onSuccess(RealServer realServer, long latencyNanos) {
        tracked(realServer).success();
    }

    @Override
    public void onFailure(RealServer realServer, Throwable cause) {
        Tracked t = tracked(realServer);
        if (t.failure(config.consecutiveFailures())) {
            eject(t);
        }
    }

    private Tracked tracked(RealServer rs) {
        Tracked t = servers.get(rs);
        return t != null ? t : servers.computeIfAbsent(rs, Tracked::new);
    }

    /** How many times {@code realServer} has been ejected. */
    public synchronized int ejectionCount(RealServer realServer) {
        return ejections.getOrDefault(realServer, 0);
    }

    /** Whether too few servers are usable and ejections are lifted. */
    public synchronized boolean inPanic() {
        return panic;
    }

    private void eject(Tracked t) {
        List<RealServer> lifted = new ArrayList<>();
        RealServer rs = t.realServer;
        Duration length;
        synchronized (this) {
            int seen = servers.size();
            long ejected = servers.keySet().stream().filter(RealServer::isEjected).count();
            long usableAfter = servers.keySet().stream()
                    .filter(s -> s != rs && !s.isEjected() && s.state() == RealServerState.UP).count();
            boolean withinMax = ejected == 0 || (ejected + 1) * 100 <= (long) config.maxEjectionPercent() * seen;
            if (usableAfter * 100 < (long) config.panicThresholdPercent() * seen) {
                if (!panic) {
                    LOG.warn("outlier detection in panic: {} of {} servers usable; lifting every ejection",
                            usableAfter + 1, seen);
                }
                panic = true;
                servers.keySet().stream().filter(RealServer::isEjected).forEach(lifted::add);
                t.reset();
                length = null;
            } else if (!withinMax) {
                LOG.info("{}: would be ejected, but {} of {} servers are already", rs.address(), ejected, seen);
                t.reset();
                length = null;
            } else {
                panic = false;
                int count = ejections.merge(rs, 1, Integer::sum);
                Duration d = config.baseEjectionTime().multipliedBy(count);
                length = d.compareTo(config.maxEjectionTime()) > 0 ? config.maxEjectionTime() : d;
            }
        }
        lifted.forEach(s -> {
            RealServerEngine.setEjected(s, false);
            servers.get(s).reset();
        });
        if (length != null) {
            LOG.info("{}: ejected for {} after {} failed connects in a row", rs.address(), length,
                    config.consecutiveFailures());
            RealServerEngine.setEjected(rs, true);
            timer.schedule(() -> {
                RealServerEngine.setEjected(rs, false);
                t.reset();
            }, length.toNanos());
        }
    }
}
