package io.lvs4j.micrometer;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.CheckCompleted;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link HealthMonitor} reports, as meters. Create one with {@link LvsMetrics#healthMonitor(HealthMonitor)}.
 *
 * <p>Names, as a Prometheus registry writes them: {@code lvs4j_health_transitions_total} (tags {@code protocol},
 * {@code service}, {@code real_server}, {@code state}: UP when the checks put the real server back in service, DOWN
 * when they took it out), {@code lvs4j_health_quorum_lost_total} and {@code lvs4j_health_quorum} (1 while the
 * service's live weight meets its quorum; tags {@code protocol}, {@code service}); from the monitor's
 * {@linkplain HealthMonitor#onCheck per-check events}, per real server: {@code lvs4j_health_checks_total} (tag
 * {@code result}: passed, failed; retries are checks too) and {@code lvs4j_health_check_duration_seconds} (a
 * timer: {@code _count}, {@code _sum}, {@code _max}). A series appears with the first event that concerns it (a
 * server whose checks never failed has no {@code failed} series) and stays until {@link #close()}, which also stops
 * listening. Thread-safe.
 */
public final class HealthMonitorMeterBinder implements MeterBinder, AutoCloseable {

    private final HealthMonitor monitor;
    private final List<MeterRegistry> registries = new ArrayList<>(); // guarded by this
    private final LinkedHashSet<Meter> meters = new LinkedHashSet<>(); // guarded by this
    private final Map<Tags, Boolean> quorum = new HashMap<>(); // guarded by this
    private @Nullable Registration listening; // guarded by this
    private @Nullable Registration checking; // guarded by this

    HealthMonitorMeterBinder(HealthMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        quorum.keySet().forEach(tags -> quorumGauge(registry, tags));
        if (listening == null) {
            listening = monitor.onEvent(this::event);
            checking = monitor.onCheck(this::checked);
        }
    }

    private synchronized void checked(CheckCompleted check) {
        Tags realServer = tags(check.service()).and("real_server", Addresses.format(check.realServer().address()));
        for (MeterRegistry registry : registries) {
            Counter c = Counter.builder("lvs4j.health.checks").tags(realServer)
                    .tag("result", check.passed() ? "passed" : "failed")
                    .description("Health checks of the real server that ended, by result (retries included)")
                    .register(registry);
            meters.add(c);
            c.increment();
            Timer t = Timer.builder("lvs4j.health.check.duration").tags(realServer)
                    .description("Time from the start of a health check of the real server to its result")
                    .register(registry);
            meters.add(t);
            t.record(check.latency());
        }
    }

    private synchronized void event(HealthEvent event) {
        Tags service = tags(event.service());
        if (event instanceof HealthEvent.RealServerUp up) {
            transition(service.and("real_server", Addresses.format(up.realServer().address())), "UP");
        } else if (event instanceof HealthEvent.RealServerDown down) {
            transition(service.and("real_server", Addresses.format(down.realServer().address())), "DOWN");
        } else if (event instanceof HealthEvent.QuorumUp) {
            quorum(service, true);
        } else if (event instanceof HealthEvent.QuorumLost) {
            quorum(service, false);
            for (MeterRegistry registry : registries) {
                Counter c = Counter.builder("lvs4j.health.quorum.lost").tags(service)
                        .description("Times the virtual service's live weight fell below its quorum")
                        .register(registry);
                meters.add(c);
                c.increment();
            }
        }
    }

    private static Tags tags(VirtualService service) {
        return Tags.of("protocol", service.protocol().name(), "service", Addresses.format(service.address()));
    }

    private void transition(Tags realServer, String state) {
        for (MeterRegistry registry : registries) {
            Counter c = Counter.builder("lvs4j.health.transitions").tags(realServer).tag("state", state)
                    .description("Times the health checks put the real server in (UP) or out of (DOWN) service")
                    .register(registry);
            meters.add(c);
            c.increment();
        }
    }

    private void quorum(Tags service, boolean has) {
        if (quorum.put(service, has) == null) {
            registries.forEach(registry -> quorumGauge(registry, service));
        }
    }

    private void quorumGauge(MeterRegistry registry, Tags service) {
        meters.add(Gauge.builder("lvs4j.health.quorum", monitor, m -> hasQuorum(service)).tags(service)
                .description("1 while the virtual service's live weight meets its quorum").register(registry));
    }

    private synchronized double hasQuorum(Tags service) {
        Boolean has = quorum.get(service);
        return has == null ? Double.NaN : has ? 1 : 0;
    }

    /** Stops listening to the monitor and removes the meters from every registry. */
    @Override
    public synchronized void close() {
        if (listening != null) {
            listening.close();
            listening = null;
        }
        if (checking != null) {
            checking.close();
            checking = null;
        }
        LvsMetrics.remove(registries, meters);
    }
}
