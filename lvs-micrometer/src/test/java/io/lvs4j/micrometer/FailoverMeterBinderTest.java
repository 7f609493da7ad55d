package io.lvs4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FailoverMeterBinderTest {

    /** A failover whose role the test sets, telling its listeners as a real one does. */
    static final class HandFailover implements Failover {
        final List<Consumer<? super RoleChange>> listeners = new CopyOnWriteArrayList<>();
        volatile Role role = Role.BACKUP;
        volatile int priority = 100;

        void become(Role next) {
            RoleChange change = new RoleChange(role, next, 1, "test");
            role = next;
            listeners.forEach(l -> l.accept(change));
        }

        @Override
        public Role role() {
            return role;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public CompletionStage<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stop() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Registration onRoleChange(Consumer<? super RoleChange> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
        }
    }

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final HandFailover failover = new HandFailover();

    private double role(Role r) {
        return registry.get("lvs4j.failover.role").tags("instance", "VI_1", "role", r.name()).gauge().value();
    }

    private double transitions(Role r) {
        return registry.get("lvs4j.failover.role.transitions").tags("instance", "VI_1", "role", r.name()).counter()
                .count();
    }

    private double secondsIn(Role r) {
        return registry.get("lvs4j.failover.time.in.role").tags("instance", "VI_1", "role", r.name())
                .functionCounter().count();
    }

    @Test
    void aRoleChangeMovesTheRoleGaugeTheTransitionsAndTheTimeInRole() {
        FailoverMeterBinder binder = LvsMetrics.failover("VI_1", failover);
        binder.bindTo(registry);
        assertThat(role(Role.BACKUP)).isEqualTo(1);
        // no series for a role the instance has never been in
        assertThat(registry.find("lvs4j.failover.role").tag("role", "MASTER").meters()).isEmpty();
        assertThat(registry.get("lvs4j.failover.priority").gauge().value()).isEqualTo(100);

        clock.add(Duration.ofSeconds(5));
        failover.become(Role.MASTER);
        assertThat(role(Role.MASTER)).isEqualTo(1);
        assertThat(role(Role.BACKUP)).isZero();
        assertThat(transitions(Role.MASTER)).isEqualTo(1);
        assertThat(transitions(Role.BACKUP)).isZero();
        assertThat(secondsIn(Role.BACKUP)).isEqualTo(5);

        clock.add(Duration.ofSeconds(3));
        assertThat(secondsIn(Role.MASTER)).isEqualTo(3);
        failover.become(Role.BACKUP);
        clock.add(Duration.ofSeconds(2));
        failover.become(Role.MASTER);
        assertThat(transitions(Role.MASTER)).isEqualTo(2);
        assertThat(transitions(Role.BACKUP)).isEqualTo(1);
        assertThat(secondsIn(Role.BACKUP)).isEqualTo(7);
        assertThat(secondsIn(Role.MASTER)).isEqualTo(3);

        failover.priority = 254;
        assertThat(registry.get("lvs4j.failover.priority").gauge().value()).isEqualTo(254);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank();
        }

        binder.close();
        assertThat(failover.listeners).isEmpty();
        assertThat(registry.getMeters()).isEmpty();
    }
}
