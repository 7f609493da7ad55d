package io.lvs4j.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health checking from real traffic (Envoy's outlier detection), fed by the forwarding engine's connect
 * outcomes. Each real server has a resilience4j {@link CircuitBreaker} counting the last
 * {@link OutlierDetectionConfig#consecutiveFailures()} connects; when all of them failed it opens, and the server is
 * {@linkplain RealServer#isEjected ejected} for the base ejection time times the number of its ejections (capped),
 * unless that would eject more than the maximum share of servers or leave fewer usable servers than the panic
 * threshold. In panic every ejection is lifted: spreading load over every server beats overloading the few left.
 *
 * <p>{@link #onSuccess} and {@link #onFailure} run on event loops: they are non-blocking (a circuit breaker's ring
 * buffer); ejection decisions take a short lock.
 */
public final class OutlierDetection implements OutlierDetector {

    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetection.class);

    private final OutlierDetectionConfig config;
    private final CheckTimer timer;
    private final CircuitBreakerConfig breakerConfig;
    private final Map<RealServer, Tracked> servers = new ConcurrentHashMap<>();
    private final Map<RealServer, Integer> ejections = new IdentityHashMap<>(); // guarded by this
    private boolean panic; // guarded by this

    /** One real server's circuit breaker. */
    private final class Tracked {
        final RealServer realServer;
        final CircuitBreaker breaker;

        Tracked(RealServer realServer) {
            this.realServer = realServer;
            this.breaker = CircuitBreaker.of(realServer.address().toString(), breakerConfig);
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    eject(this);
                }
            });
        }
    }

    /** A detector whose ejections end on {@code timer}; give it to {@code DirectorBuilder.outlierDetector}. */
    public static OutlierDetection create(OutlierDetectionConfig config, CheckTimer timer) {
        return new OutlierDetection(Objects.requireNonNull(config, "config"), Objects.requireNonNull(timer, "timer"));
    }

    private OutlierDetection(OutlierDetectionConfig config, CheckTimer timer) {
        this.config = config;
        this.timer = timer;
        int n = config.consecutiveFailures();
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(n)
                .minimumNumberOfCalls(n)
                .failureRateThreshold(100)
                .writableStackTraceEnabled(false)
                // the detector, not the breaker, decides when an ejected server comes back
                .waitDurationInOpenState(Duration.ofDays(365))
                .build();
    }

    @Override
    public void onSuccess(RealServer realServer, long latencyNanos) {
        tracked(realServer).breaker.onSuccess(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onFailure(RealServer realServer, Throwable cause) {
        tracked(realServer).breaker.onError(0, TimeUnit.NANOSECONDS, cause);
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
                t.breaker.reset();
                length = null;
            } else if (!withinMax) {
                LOG.info("{}: would be ejected, but {} of {} servers are already", rs.address(), ejected, seen);
                t.breaker.reset();
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
            servers.get(s).breaker.reset();
        });
        if (length != null) {
            LOG.info("{}: ejected for {} after {} failed connects in a row", rs.address(), length,
                    config.consecutiveFailures());
            RealServerEngine.setEjected(rs, true);
            timer.schedule(() -> {
                RealServerEngine.setEjected(rs, false);
                t.breaker.reset();
            }, length.toNanos());
        }
    }
}
