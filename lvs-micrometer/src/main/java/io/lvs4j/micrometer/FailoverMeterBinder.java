package io.lvs4j.micrometer;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Failover} instance's role as meters, tagged {@code instance} (e.g. the VRRP instance's name). Create one
 * with {@link LvsMetrics#failover(String, Failover)}.
 *
 * <p>Names, as a Prometheus registry writes them: {@code lvs4j_failover_role} (tag {@code role}: 1 for the current
 * role, 0 for the others; a role appears once the instance has been in it), {@code lvs4j_failover_priority},
 * {@code lvs4j_failover_role_transitions_total} (tag {@code role}: changes into that role) and
 * {@code lvs4j_failover_time_in_role_seconds_total} (tag {@code role}: time spent in that role, by the registry's
 * {@link Clock}). Transitions are counted from the failover's {@link Failover#onRoleChange} events after the first
 * {@link #bindTo}; {@link #close()} stops listening and removes the meters. Thread-safe.
 */
public final class FailoverMeterBinder implements MeterBinder, AutoCloseable {

    private final String instance;
    private final Failover failover;
    private final List<MeterRegistry> registries = new ArrayList<>(); // guarded by this
    private final List<Meter> meters = new ArrayList<>(); // guarded by this
    private final Set<Role> seen = EnumSet.noneOf(Role.class); // guarded by this
    private final Map<Role, Long> nanosIn = new EnumMap<>(Role.class); // guarded by this
    private Role role = Role.INIT; // guarded by this
    private long since; // guarded by this
    private @Nullable Registration listening; // guarded by this

    FailoverMeterBinder(String instance, Failover failover) {
        this.instance = instance;
        this.failover = failover;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        if (listening == null) {
            role = failover.role();
            since = clock().monotonicTime();
            listening = failover.onRoleChange(this::changed);
        }
        meters.add(Gauge.builder("lvs4j.failover.priority", failover, Failover::priority).tag("instance", instance)
                .description("The instance's effective priority now (tracking included)").register(registry));
        for (Role r : seen) {
            register(registry, r);
        }
        see(role);
    }

    /** The meters of role {@code r}, registered once the instance has been in it. */
    private void see(Role r) {
        if (seen.add(r)) {
            registries.forEach(registry -> register(registry, r));
        }
    }

    private void register(MeterRegistry registry, Role r) {
        meters.add(Gauge.builder("lvs4j.failover.role", failover, f -> role(r)).tags("instance", instance, "role",
                r.name()).description("1 while the instance is in this role").register(registry));
        meters.add(Counter.builder("lvs4j.failover.role.transitions").tags("instance", instance, "role", r.name())
                .description("Changes of the instance into this role").register(registry));
        meters.add(FunctionCounter.builder("lvs4j.failover.time.in.role", failover, f -> secondsIn(r))
                .tags("instance", instance, "role", r.name()).baseUnit("seconds")
                .description("Time the instance spent in this role").register(registry));
    }

    private synchronized void changed(RoleChange change) {
        long now = clock().monotonicTime();
        nanosIn.merge(role, now - since, Long::sum);
        role = change.current();
        since = now;
        see(role);
        for (MeterRegistry registry : registries) {
            registry.counter("lvs4j.failover.role.transitions", "instance", instance, "role", role.name())
                    .increment();
        }
    }

    private synchronized double role(Role r) {
        return role == r ? 1 : 0;
    }

    private synchronized double secondsIn(Role r) {
        long nanos = nanosIn.getOrDefault(r, 0L) + (role == r ? clock().monotonicTime() - since : 0);
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }

    private Clock clock() {
        return registries.isEmpty() ? Clock.SYSTEM : registries.get(0).config().clock();
    }

    /** Stops listening to the failover and removes the meters from every registry. */
    @Override
    public synchronized void close() {
        if (listening != null) {
            listening.close();
            listening = null;
        }
        LvsMetrics.remove(registries, meters);
    }
}
