package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.UdpForwardingTest.UdpEcho;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of one-datagram UDP flows from fresh source ports (as a spoofing or scanning client makes) stays within the
 * flow limits, evicts the least recently active flows, and leaves room for a new client.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UdpFlowLimitTest {

    private static final int FLOOD = 3000;

    static int freeUdpPort() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
            return probe.getLocalPort();
        }
    }

    /** One datagram from each of {@code n} fresh source ports, stopping early when {@code stop} is set. */
    static int flood(InetSocketAddress to, int n, AtomicBoolean stop) throws Exception {
        byte[] one = {'f'};
        int sent = 0;
        for (int i = 0; i < n && !stop.get(); i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                s.send(new DatagramPacket(one, 1, to));
                sent++;
            }
        }
        return sent;
    }

    /**
     * Asks until answered, at most {@code tries} times, each waiting a second; returns the first answer to
     * {@code text} (a backend's answer ends with {@code ":" + text}). Answers to anything else are skipped: the
     * client's port may be one an earlier flood socket had, whose flow the director still holds, and a late answer to
     * that socket's datagram then reaches this client.
     */
    static String ask(DatagramSocket client, InetSocketAddress to, String text, int tries) throws Exception {
        client.setSoTimeout(1000);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < tries; i++) {
            client.send(new DatagramPacket(b, b.length, to));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            try {
                while (true) {
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    client.receive(reply);
                    String answer = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
                    if (answer.endsWith(":" + text)) {
                        return answer;
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        break;
                    }
                    client.setSoTimeout((int) Math.max(1, left));
                }
            } catch (SocketTimeoutException e) {
                // lost: ask again
            } finally {
                client.setSoTimeout(1000);
            }
        }
        throw new AssertionError("no answer to " + text + " in " + tries + " tries");
    }

    @Test
    void aFloodOfNewFlowsStaysWithinTheDirectorsLimitAndANewClientIsServed() throws Exception {
        int limit = 100;
        try (UdpEcho echo = new UdpEcho("a"); ResourceProbe.LogCapture log = new ResourceProbe.LogCapture()) {
            VirtualService vs = VirtualService.udp("127.0.0.1", freeUdpPort()).scheduler("rr")
                    .realServer(RealServer.builder(echo.address()).build()).build();
            Director director = Director.builder().virtualService(vs).ioThreads(1).maxFlows(limit)
                    .udpTimeout(Duration.ofMinutes(5)).build();
            director.start().toCompletableFuture().join();
            int baseline = ResourceProbe.openDescriptors();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger peak = new AtomicInteger();
            CompletableFuture<Integer> flooding = CompletableFuture.supplyAsync(() -> {
                try {
                    return flood(vs.address(), FLOOD, stop);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                int answered = 0;
                while (!flooding.isDone() && answered < 200) {
                    assertThat(ask(client, vs.address(), "q" + answered, 3)).isEqualTo("a:q" + answered);
                    answered++;
                    peak.accumulateAndGet(ResourceProbe.openDescriptors(), Math::max);
                    assertThat(director.statistics().get(0).connections()).isLessThanOrEqualTo(limit);
                }
                assertThat(flooding.get(60, TimeUnit.SECONDS)).isEqualTo(FLOOD);
                // a client that arrives after the flood, when every slot holds a flood flow, is served too
                try (DatagramSocket late = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                    assertThat(ask(late, vs.address(), "late", 3)).isEqualTo("a:late");
                }
            } finally {
                stop.set(true);
            }
            ServiceStatistics stats = director.statistics().get(0);
            assertThat(stats.connections()).isLessThanOrEqualTo(limit);
            // the kernel may drop part of the flood at the listener's socket buffer; every flow the director opened
            // beyond the limit evicted one
            assertThat(stats.totals().connections()).isGreaterThan(limit + 50L);
            assertThat(stats.evictedFlows()).isGreaterThanOrEqualTo(stats.totals().connections() - limit);
            assertThat(stats.droppedDatagrams()).isZero();
            assertThat(StatisticsTable.format(director.statistics()))
                    .contains("limits: " + stats.evictedFlows() + " flows evicted, 0 datagrams dropped");
            // the director holds at most one socket per flow; the slack is this process's own: the flood's and the
            // asking client's sockets, the echo server's, and a flow socket closing while its successor opens (16
            // was exceeded by one in a full verify); an unbounded table would hold thousands
            assertThat(peak.get() - baseline).isLessThanOrEqualTo(limit + 32);
            director.stop(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ResourceProbe.openDescriptors() <= baseline); // listener and flows closed
            assertThat(log.lines("WARN")).as(log.text()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aServicesOwnMaxconnBoundsItsFlowsByEvictionToo() throws Exception {
        int maxconn = 50;
        try (UdpEcho echo = new UdpEcho("a")) {
            VirtualService vs = VirtualService.udp("127.0.0.1", freeUdpPort()).scheduler("rr").maxConnections(maxconn)
                    .realServer(RealServer.builder(echo.address()).build()).build();
            try (Director director = Director.builder().virtualService(vs).ioThreads(1).maxFlows(10_000).build();
                 DatagramSocket client = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                director.start().toCompletableFuture().join();
                flood(vs.address(), 500, new AtomicBoolean());
                assertThat(ask(client, vs.address(), "x", 3)).isEqualTo("a:x");
                ServiceStatistics stats = director.statistics().get(0);
                assertThat(stats.connections()).isLessThanOrEqualTo(maxconn);
                assertThat(stats.totals().connections()).isGreaterThan(2L * maxconn);
                assertThat(stats.evictedFlows()).isGreaterThanOrEqualTo(stats.totals().connections() - maxconn);
            }
        }
    }

    @Test
    void aFloodOnOneServiceLeavesRoomForANewClientOfAnother() throws Exception {
        int limit = 100;
        try (UdpEcho echo = new UdpEcho("a")) {
            VirtualService flooded = VirtualService.udp("127.0.0.1", freeUdpPort()).scheduler("rr")
                    .realServer(RealServer.builder(echo.address()).build()).build();
            VirtualService quiet = VirtualService.udp("127.0.0.1", freeUdpPort()).scheduler("rr")
                    .realServer(RealServer.builder(echo.address()).build()).build();
            try (Director director = Director.builder().virtualService(flooded).virtualService(quiet).ioThreads(2)
                    .maxFlows(limit).build();
                 DatagramSocket client = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                director.start().toCompletableFuture().join();
                flood(flooded.address(), 1000, new AtomicBoolean());
                assertThat(ask(client, quiet.address(), "x", 3)).isEqualTo("a:x");
                flood(flooded.address(), 300, new AtomicBoolean());
                assertThat(ask(client, quiet.address(), "y", 3)).isEqualTo("a:y"); // its flow survived the flood
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(director.statistics().stream()
                        .mapToInt(ServiceStatistics::connections).sum()).isLessThanOrEqualTo(limit));
            }
        }
    }

    @Test
    void aFlowWhoseRealServerNeverRepliesExpiresFast() throws Exception {
        try (UdpEcho echo = new UdpEcho("a");
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
            InetSocketAddress silent = new InetSocketAddress(Backends.LOOPBACK, sink.getLocalPort());
            VirtualService vs = VirtualService.udp("127.0.0.1", freeUdpPort()).scheduler("rr")
                    .realServer(RealServer.builder(echo.address()).build())
                    .realServer(RealServer.builder(silent).build()).build();
            try (Director director = Director.builder().virtualService(vs).ioThreads(1)
                    .udpTimeout(Duration.ofMinutes(5)).udpUnrepliedTimeout(Duration.ofMillis(300)).build();
                 DatagramSocket answered = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0));
                 DatagramSocket unanswered = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                director.start().toCompletableFuture().join();
                assertThat(ask(answered, vs.address(), "x", 1)).isEqualTo("a:x"); // rr: the echo first
                byte[] one = {'u'};
                unanswered.send(new DatagramPacket(one, 1, vs.address())); // rr: then the silent one
                await().atMost(Duration.ofSeconds(5)).until(() -> director.statistics().get(0).realServers().get(1)
                        .inactiveConnections() == 1);
                await().atMost(Duration.ofSeconds(5)).until(() -> director.statistics().get(0).realServers().get(1)
                        .inactiveConnections() == 0);
                // the flow that had a reply keeps the UDP timeout
                assertThat(director.statistics().get(0).realServers().get(0).inactiveConnections()).isEqualTo(1);
                assertThat(director.statistics().get(0).connections()).isEqualTo(1);
            }
        }
    }

    @Test
    void limitsAreCheckedWhenSet() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Director.builder().maxFlows(0))
                .hasMessageContaining("maxFlows must be >= 1 but was 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Director.builder().maxConnections(-1))
                .hasMessageContaining("maxConnections must be >= 1 but was -1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Director.builder()
                        .udpUnrepliedTimeout(Duration.ZERO))
                .hasMessageContaining("udpUnrepliedTimeout");
        DirectorConfig defaults = Director.builder().config();
        assertThat(defaults.maxFlows()).isBetween(16, 65_536);
        assertThat(defaults.maxConnections()).isBetween(8, 65_536);
        assertThat(defaults.udpUnrepliedTimeout()).isEqualTo(Duration.ofSeconds(5));
    }
}
