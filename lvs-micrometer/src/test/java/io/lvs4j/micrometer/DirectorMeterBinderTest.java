package io.lvs4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.Director;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A director on loopback, measured through its binder. */
@Timeout(60)
class DirectorMeterBinderTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private ServerSocket backend;
    private ServerSocket backend2;
    private DatagramSocket udpBackend;
    private Director director;
    private VirtualService web;
    private VirtualService dns;

    @BeforeEach
    void start() throws IOException {
        backend = answering();
        backend2 = answering();
        udpBackend = new DatagramSocket(0, LO);
        Thread echo = new Thread(() -> {
            byte[] buf = new byte[512];
            while (!udpBackend.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    udpBackend.receive(p);
                    udpBackend.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }, "udp-echo");
        echo.setDaemon(true);
        echo.start();
        web = VirtualService.tcp("127.0.0.1", freePort()).realServer(RealServer.of("127.0.0.1", backend.getLocalPort()))
                .build();
        dns = VirtualService.udp("127.0.0.1", freePort()).persistent()
                .realServer(RealServer.of("127.0.0.1", udpBackend.getLocalPort())).build();
        director = Director.builder().virtualService(web).virtualService(dns).build();
        director.start().toCompletableFuture().join();
    }

    @AfterEach
    void stop() throws IOException {
        director.close();
        backend.close();
        backend2.close();
        udpBackend.close();
        registry.close();
    }

    /** A real server that answers every connection with one byte and closes it. */
    private static ServerSocket answering() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, LO);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write('x');
                } catch (IOException e) {
                    return;
                }
            }
        }, "real-server");
        t.setDaemon(true);
        t.start();
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            return s.getLocalPort();
        }
    }

    private static void ask(InetSocketAddress service) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(service, 2000);
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo('x');
        }
    }

    private static String port(RealServer rs) {
        return "127.0.0.1:" + rs.address().getPort();
    }

    private Tags service(VirtualService vs) {
        return Tags.of("protocol", vs.protocol().name(), "service", "127.0.0.1:" + vs.address().getPort());
    }

    /** Lets the statistics reading age past its limit and reads a meter, as a registry writing its meters would. */
    private void nextReading() {
        clock.add(Duration.ofMillis(DirectorMeterBinder.MAX_AGE_MILLIS));
        registry.get("lvs4j.virtual.services").gauge().value();
    }

    @Test
    void countsRealConnections() throws IOException {
        LvsMetrics.director(director).bindTo(registry);
        for (int i = 0; i < 3; i++) {
            ask(web.address());
        }
        Tags rs = service(web).and("real_server", port(web.realServers().get(0)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            nextReading();
            assertThat(registry.get("lvs4j.service.connections").tags(service(web)).functionCounter().count())
                    .isEqualTo(3);
            assertThat(registry.get("lvs4j.real_server.connections").tags(rs).functionCounter().count())
                    .isEqualTo(3);
            assertThat(registry.get("lvs4j.service.out.bytes").tags(service(web)).functionCounter().count())
                    .isEqualTo(3);
        });
        assertThat(registry.get("lvs4j.service.serving").tags(service(web)).gauge().value()).isEqualTo(1);
        assertThat(registry.get("lvs4j.real_server.up").tags(rs).gauge().value()).isEqualTo(1);
        assertThat(registry.get("lvs4j.virtual.services").gauge().value()).isEqualTo(2);
    }

    @Test
    void keepsCountingWhenTheApplicationKeepsNoReferenceToTheBinder() throws IOException {
        LvsMetrics.director(director).bindTo(registry); // as with Micrometer's own binders: bound and forgotten
        for (int i = 0; i < 5; i++) {
            System.gc(); // Micrometer holds a meter's state object weakly
        }
        ask(web.address());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            nextReading();
            assertThat(registry.get("lvs4j.service.connections").tags(service(web)).functionCounter().count())
                    .isEqualTo(1);
        });
    }

    @Test
    void oneReadingServesEveryMeterUntilItIsOld() throws IOException {
        LvsMetrics.director(director).bindTo(registry);
        ask(web.address());
        Tags rs = service(web).and("real_server", port(web.realServers().get(0)));
        // the reading taken at bind time is not a second old on the registry's clock: it still shows no connection
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(registry.get("lvs4j.real_server.connections").tags(rs).functionCounter().count())
                        .isZero());
        nextReading();
        assertThat(registry.get("lvs4j.real_server.connections").tags(rs).functionCounter().count()).isEqualTo(1);
    }

    @Test
    void realServersAppearAndDisappearWithoutAScrapeHook() {
        LvsMetrics.director(director).bindTo(registry);
        RealServer second = RealServer.of("127.0.0.1", backend2.getLocalPort());
        Tags tags = service(web).and("real_server", port(second));
        assertThat(registry.find("lvs4j.real_server.weight").tags(tags).gauge()).isNull();

        director.addRealServer(web, second);
        nextReading();
        assertThat(registry.get("lvs4j.real_server.weight").tags(tags).gauge().value()).isEqualTo(1);
        assertThat(registry.get("lvs4j.real_server.connections").tags(tags).functionCounter().count()).isZero();

        director.removeRealServer(web, second.address(), false);
        nextReading();
        assertThat(registry.find("lvs4j.real_server.weight").tags(tags).meters()).isEmpty();
        assertThat(registry.find("lvs4j.real_server.connections").tags(tags).meters()).isEmpty();
        // the first real server's meters stayed
        assertThat(registry.find("lvs4j.real_server.weight").tags(service(web)).meters()).hasSize(1);
    }

    @Test
    void concurrentScrapesDuringReloadsNeitherFailNorLeaveStaleMeters() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), clock);
        DirectorMeterBinder binder = LvsMetrics.director(director);
        binder.bindTo(prometheus);
        RealServer second = RealServer.of("127.0.0.1", backend2.getLocalPort());
        AtomicBoolean done = new AtomicBoolean();
        List<CompletableFuture<Integer>> scrapers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            scrapers.add(CompletableFuture.supplyAsync(() -> {
                int n = 0;
                while (!done.get() && n < 10_000) { // bounded in count as well as by the reloads
                    clock.add(Duration.ofMillis(DirectorMeterBinder.MAX_AGE_MILLIS));
                    assertThat(prometheus.scrape()).contains("lvs4j_virtual_services");
                    n++;
                }
                return n;
            }));
        }
        try {
            for (int i = 0; i < 200; i++) {
                director.addRealServer(web, second);
                director.removeRealServer(web, second.address(), false);
            }
        } finally {
            done.set(true);
        }
        for (CompletableFuture<Integer> s : scrapers) {
            assertThat(s.get(30, TimeUnit.SECONDS)).isPositive();
        }
        binder.refresh();
        assertThat(prometheus.scrape()).doesNotContain("real_server=\"" + port(second) + "\"")
                .contains("real_server=\"" + port(web.realServers().get(0)) + "\"");
        prometheus.close();
    }

    @Test
    void aRemovedServiceLeavesAndARefreshShowsItAtOnce() {
        DirectorMeterBinder binder = LvsMetrics.director(director);
        binder.bindTo(registry);
        assertThat(registry.find("lvs4j.service.connections").tags(service(dns)).meters()).hasSize(1);
        director.removeVirtualService(dns).toCompletableFuture().join();
        binder.refresh();
        assertThat(registry.find("lvs4j.service.connections").tags(service(dns)).meters()).isEmpty();
        assertThat(registry.find("lvs4j.real_server.connections").tags(service(dns)).meters()).isEmpty();
        assertThat(registry.get("lvs4j.virtual.services").gauge().value()).isEqualTo(1);
    }

    @Test
    void aReloadThatMakesAServicePersistentKeepsItsCountersAndAddsTheTemplates() throws IOException {
        LvsMetrics.director(director).bindTo(registry);
        ask(web.address());
        assertThat(registry.find("lvs4j.service.persistence.templates").tags(service(web)).meters()).isEmpty();
        director.putVirtualService(web.toBuilder().persistent().build()).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            nextReading();
            assertThat(registry.get("lvs4j.service.persistence.templates").tags(service(web)).gauge()).isNotNull();
            assertThat(registry.get("lvs4j.service.connections").tags(service(web)).functionCounter().count())
                    .isEqualTo(1);
        });
        assertThat(registry.find("lvs4j.service.connections").tags(service(web)).meters()).hasSize(1);
    }

    @Test
    void tcpServicesExportNoPacketSeriesAndUdpServicesDo() throws IOException {
        LvsMetrics.director(director).bindTo(registry);
        for (String name : new String[] {"lvs4j.service.in.packets", "lvs4j.service.out.packets",
                "lvs4j.service.evicted.flows", "lvs4j.service.dropped.datagrams",
                "lvs4j.real_server.in.packets", "lvs4j.real_server.out.packets"}) {
            assertThat(registry.find(name).tag("protocol", "TCP").meters()).as(name).isEmpty();
            assertThat(registry.find(name).tag("protocol", "UDP").meters()).as(name).hasSize(1);
        }
        assertThat(registry.find("lvs4j.service.accept.failures").tag("protocol", "UDP").meters()).isEmpty();
        assertThat(registry.find("lvs4j.service.accept.failures").tag("protocol", "TCP").meters()).hasSize(1);
        // only the persistent service has templates
        assertThat(registry.find("lvs4j.service.persistence.templates").meters()).hasSize(1);
        assertThat(registry.get("lvs4j.service.persistence.templates").tags(service(dns)).gauge()).isNotNull();

        try (DatagramSocket client = new DatagramSocket(0, LO)) {
            client.setSoTimeout(5000);
            client.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, dns.address()));
            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            client.receive(reply);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            nextReading();
            assertThat(registry.get("lvs4j.service.in.packets").tags(service(dns)).functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get("lvs4j.service.persistence.templates").tags(service(dns)).gauge().value())
                    .isEqualTo(1);
        });
    }

    @Test
    void everyMeterHasADescriptionAndPrometheusNames() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), clock);
        LvsMetrics.director(director).bindTo(prometheus);
        assertThat(prometheus.getMeters()).hasSizeGreaterThan(20);
        for (Meter m : prometheus.getMeters()) {
            assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank();
        }
        String scrape = prometheus.scrape();
        String service = "protocol=\"TCP\",service=\"127.0.0.1:" + web.address().getPort() + "\"";
        assertThat(scrape).contains("# TYPE lvs4j_service_connections_total counter",
                "# HELP lvs4j_service_in_bytes_total Bytes from clients",
                "lvs4j_service_connections_total{" + service + "} 0.0",
                "lvs4j_service_serving{" + service + "} 1.0",
                "# TYPE lvs4j_real_server_out_bytes_total counter",
                "# TYPE lvs4j_service_dropped_datagrams_total counter");
        // every series has a HELP line, and the names are exactly these (no unit appended twice, _total on counters)
        Matcher types = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)").matcher(scrape);
        Set<String> names = new TreeSet<>();
        while (types.find()) {
            assertThat(scrape).contains("# HELP " + types.group(1) + " ");
            names.add(types.group(1) + " " + types.group(2));
        }
        assertThat(names).containsExactlyInAnyOrder("lvs4j_virtual_services gauge",
                "lvs4j_service_connections_total counter", "lvs4j_service_in_bytes_total counter",
                "lvs4j_service_out_bytes_total counter", "lvs4j_service_open_connections gauge",
                "lvs4j_service_serving gauge", "lvs4j_service_in_packets_total counter",
                "lvs4j_service_out_packets_total counter", "lvs4j_service_evicted_flows_total counter",
                "lvs4j_service_dropped_datagrams_total counter", "lvs4j_service_accept_failures_total counter",
                "lvs4j_service_no_server_total counter",
                "lvs4j_service_persistence_templates gauge", "lvs4j_real_server_connections_total counter",
                "lvs4j_real_server_in_bytes_total counter", "lvs4j_real_server_out_bytes_total counter",
                "lvs4j_real_server_in_packets_total counter", "lvs4j_real_server_out_packets_total counter",
                "lvs4j_real_server_active_connections gauge", "lvs4j_real_server_inactive_connections gauge",
                "lvs4j_real_server_weight gauge", "lvs4j_real_server_up gauge");
        prometheus.close();
    }

    @Test
    void countsConnectionsThatFoundNoRealServerAndThoseSentToTheSorryServer() throws IOException {
        LvsMetrics.director(director).bindTo(registry);
        // the one real server at weight 0: nothing to schedule to
        VirtualService none = VirtualService.tcp("127.0.0.1", freePort()).realServer(RealServer.builder(
                new InetSocketAddress(LO, backend.getLocalPort())).weight(0).build()).build();
        director.putVirtualService(none).toCompletableFuture().join();
        nextReading();
        assertThat(registry.find("lvs4j.service.sorry.server").meters()).as("no sorry server, no series").isEmpty();
        try (Socket s = new Socket()) {
            s.connect(none.address(), 2000);
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).as("closed: no real server").isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            nextReading();
            assertThat(registry.get("lvs4j.service.no.server").tags(service(none)).functionCounter().count())
                    .isEqualTo(1);
        });

        VirtualService sorry = none.toBuilder().sorryServer(new InetSocketAddress(LO, backend2.getLocalPort()))
                .build();
        director.putVirtualService(sorry).toCompletableFuture().join();
        ask(sorry.address());
        ask(sorry.address());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            nextReading();
            assertThat(registry.get("lvs4j.service.sorry.server").tags(service(none)).functionCounter().count())
                    .isEqualTo(2);
        });
        assertThat(registry.get("lvs4j.service.no.server").tags(service(none)).functionCounter().count())
                .as("the sorry server answered: not counted as no server").isEqualTo(1);
        assertThat(registry.find("lvs4j.service.sorry.server").tags(service(web)).meters()).isEmpty();
    }

    @Test
    void ejectionsAreCountedFromTheFirstOn() {
        LvsMetrics.director(director).bindTo(registry);
        RealServer rs = web.realServers().get(0);
        Tags tags = service(web).and("real_server", port(rs));
        assertThat(registry.find("lvs4j.real_server.ejections").meters()).as("never ejected, no series").isEmpty();
        RealServerEngine.setEjected(rs, true); // as outlier detection does
        RealServerEngine.setEjected(rs, false);
        RealServerEngine.setEjected(rs, true);
        nextReading();
        assertThat(registry.get("lvs4j.real_server.ejections").tags(tags).functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("lvs4j.real_server.connections").tags(tags).functionCounter()).isNotNull();
        RealServerEngine.setEjected(rs, false);
    }
}
