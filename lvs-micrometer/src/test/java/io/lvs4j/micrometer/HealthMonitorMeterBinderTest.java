package io.lvs4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.CheckCompleted;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class HealthMonitorMeterBinderTest {

    /** A monitor whose events the test sends. */
    static final class HandMonitor implements HealthMonitor {
        final List<Consumer<? super HealthEvent>> listeners = new CopyOnWriteArrayList<>();
        final List<Consumer<? super CheckCompleted>> checkListeners = new CopyOnWriteArrayList<>();

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
        public Registration onCheck(Consumer<? super CheckCompleted> listener) {
            checkListeners.add(listener);
            return () -> checkListeners.remove(listener);
        }

        void check(CheckCompleted check) {
            checkListeners.forEach(l -> l.accept(check));
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
        assertThat(monitor.checkListeners).isEmpty();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void countsChecksByResultAndTimesThemPerRealServerFromTheFirstCheckOn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HandMonitor monitor = new HandMonitor();
        RealServer a = RealServer.of("127.0.0.1", 8081);
        RealServer b = RealServer.of("127.0.0.1", 8082);
        VirtualService web = VirtualService.tcp("127.0.0.1", 8080).realServer(a).realServer(b).build();
        HealthMonitorMeterBinder binder = LvsMetrics.healthMonitor(monitor);
        binder.bindTo(registry);

        monitor.check(new CheckCompleted(web, a, true, Duration.ofMillis(3), "HTTP 200"));
        monitor.check(new CheckCompleted(web, a, false, Duration.ofMillis(2000), "connect timed out"));
        monitor.check(new CheckCompleted(web, a, true, Duration.ofMillis(5), "HTTP 200"));
        monitor.check(new CheckCompleted(web, b, true, Duration.ofMillis(1), "HTTP 200"));
        String[] rsA = {"protocol", "TCP", "service", "127.0.0.1:8080", "real_server", "127.0.0.1:8081"};
        assertThat(registry.get("lvs4j.health.checks").tags(rsA).tag("result", "passed").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("lvs4j.health.checks").tags(rsA).tag("result", "failed").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("lvs4j.health.check.duration").tags(rsA).timer().count()).isEqualTo(3);
        assertThat(registry.get("lvs4j.health.check.duration").tags(rsA).timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(2008);
        assertThat(registry.find("lvs4j.health.checks").tag("real_server", "127.0.0.1:8082").tag("result", "failed")
                .counter()).as("no failed series for a server that never failed").isNull();
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank();
        }
        binder.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void writesPrometheusNamesWithHelpText() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HandMonitor monitor = new HandMonitor();
        RealServer a = RealServer.of("127.0.0.1", 8081);
        VirtualService web = VirtualService.tcp("127.0.0.1", 8080).realServer(a).build();
        LvsMetrics.healthMonitor(monitor).bindTo(prometheus);
        monitor.check(new CheckCompleted(web, a, false, Duration.ofMillis(250), "connection refused"));
        String rs = "protocol=\"TCP\",real_server=\"127.0.0.1:8081\"";
        assertThat(prometheus.scrape())
                .contains("# HELP lvs4j_health_checks_total Health checks of the real server that ended")
                .containsPattern("lvs4j_health_checks_total\\{" + rs + ",result=\"failed\",service=\"127.0.0.1:8080\"\\} 1.0")
                .contains("# HELP lvs4j_health_check_duration_seconds Time from the start of a health check")
                .containsPattern("lvs4j_health_check_duration_seconds_sum\\{" + rs + ",service=\"127.0.0.1:8080\"\\} 0.25");
    }
}
