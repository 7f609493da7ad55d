package io.lvs4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class HealthMonitorMeterBinderTest {

    /** A monitor whose events the test sends. */
    static final class HandMonitor implements HealthMonitor {
        final List<Consumer<? super HealthEvent>> listeners = new CopyOnWriteArrayList<>();

        void send(HealthEvent event) {
            listeners.forEach(l -> l.accept(event));
        }

        @Override
        public void watch(VirtualService service) {
        }

        @Override
        public void unwatch(VirtualService service) {
        }

        @Override
        public boolean hasQuorum(VirtualService service) {
            return true;
        }

        @Override
        public Registration onEvent(Consumer<? super HealthEvent> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void countsTransitionsAndQuorumFromTheMonitorsEvents() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HandMonitor monitor = new HandMonitor();
        RealServer a = RealServer.of("127.0.0.1", 8081);
        VirtualService web = VirtualService.tcp("127.0.0.1", 8080).realServer(a).build();
        HealthMonitorMeterBinder binder = LvsMetrics.healthMonitor(monitor);
        binder.bindTo(registry);
        assertThat(registry.getMeters()).as("nothing before the first event").isEmpty();

        monitor.send(new HealthEvent.RealServerDown(web, a, "connect refused"));
        monitor.send(new HealthEvent.QuorumLost(web, 0));
        monitor.send(new HealthEvent.RealServerUp(web, a, "ok"));
        monitor.send(new HealthEvent.RealServerDown(web, a, "connect refused"));
        String[] rs = {"protocol", "TCP", "service", "127.0.0.1:8080", "real_server", "127.0.0.1:8081"};
        assertThat(registry.get("lvs4j.health.transitions").tags(rs).tag("state", "DOWN").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("lvs4j.health.transitions").tags(rs).tag("state", "UP").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("lvs4j.health.quorum.lost").counter().count()).isEqualTo(1);
        assertThat(registry.get("lvs4j.health.quorum").gauge().value()).isZero();
        monitor.send(new HealthEvent.QuorumUp(web, 1));
        assertThat(registry.get("lvs4j.health.quorum").gauge().value()).isEqualTo(1);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank();
        }

        binder.close();
        assertThat(monitor.listeners).isEmpty();
        assertThat(registry.getMeters()).isEmpty();
    }
}
