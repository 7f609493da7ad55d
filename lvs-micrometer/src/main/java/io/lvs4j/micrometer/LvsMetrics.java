package io.lvs4j.micrometer;

import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.forward.Director;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Creates the lvs4j meter binders: one static method per thing to measure, each returning a Micrometer
 * {@link io.micrometer.core.instrument.binder.MeterBinder} that the application binds to its own registry:
 *
 * <pre>{@code
 * LvsMetrics.director(director).bindTo(registry);
 * LvsMetrics.healthMonitor(monitor).bindTo(registry);
 * LvsMetrics.failover("VI_1", failover).bindTo(registry);
 * }</pre>
 *
 * Every meter has a description (Prometheus HELP) and a base unit where it has one, so a Prometheus registry writes
 * {@code _total}, {@code _bytes}, {@code _seconds} as Prometheus names them.
 */
public final class LvsMetrics {

    private LvsMetrics() {
    }

    /** The statistics of {@code director}: see {@link DirectorMeterBinder} for the meters. */
    public static DirectorMeterBinder director(Director director) {
        return new DirectorMeterBinder(List.of(Objects.requireNonNull(director, "director")));
    }

    /**
     * The statistics of several directors that serve different virtual services, as one set of meters (a virtual
     * service served by two of them would be measured once).
     */
    public static DirectorMeterBinder directors(List<? extends Director> directors) {
        return new DirectorMeterBinder(List.copyOf(directors));
    }

    /** What {@code monitor} reports: see {@link HealthMonitorMeterBinder}. */
    public static HealthMonitorMeterBinder healthMonitor(HealthMonitor monitor) {
        return new HealthMonitorMeterBinder(Objects.requireNonNull(monitor, "monitor"));
    }

    /** The role of {@code failover}, tagged {@code instance}: see {@link FailoverMeterBinder}. */
    public static FailoverMeterBinder failover(String instance, Failover failover) {
        return new FailoverMeterBinder(Objects.requireNonNull(instance, "instance"),
                Objects.requireNonNull(failover, "failover"));
    }

    /** Removes {@code meters} from every registry and clears the list. */
    static void remove(List<MeterRegistry> registries, Collection<Meter> meters) {
        for (MeterRegistry registry : registries) {
            meters.forEach(m -> registry.remove(m.getId()));
        }
        meters.clear();
    }
}
