package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpForwardingTest {

    /** Echoes each datagram, prefixed with this server's name; records the senders it saw and counts its replies. */
    static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket;
        final Set<InetSocketAddress> senders = ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        private final Thread thread;

        UdpEcho(String name) throws Exception {
            this(name, text -> List.of(name + ":" + text));
        }

        /** Answers each datagram's text with the replies {@code answers} gives, in order. */
        UdpEcho(String name, Function<String, List<String>> answers) throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0));
            thread = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        senders.add((InetSocketAddress) p.getSocketAddress());
                        String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                        for (String answer : answers.apply(text)) {
                            byte[] reply = answer.getBytes(StandardCharsets.US_ASCII);
                            socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                            sent.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "udp-echo-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(Backends.LOOPBACK, socket.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5000);
        }
    }

    private static String ask(DatagramSocket client, InetSocketAddress to, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, to));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void datagramsOfOneClientStayOnOneRealServerAndRepliesComeBack() throws Exception {
        try (UdpEcho a = new UdpEcho("a"); UdpEcho b = new UdpEcho("b")) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                port = probe.getLocalPort();
            }
            VirtualService vs = VirtualService.udp("127.0.0.1", port).scheduler("rr")
                    .realServer(RealServer.builder(a.address()).build())
                    .realServer(RealServer.builder(b.address()).build()).build();
            try (Director director = Director.builder().virtualService(vs).ioThreads(1)
                    .udpTimeout(Duration.ofMillis(500)).build()) {
                director.start().toCompletableFuture().join();
                try (DatagramSocket c1 = new DatagramSocket(); DatagramSocket c2 = new DatagramSocket()) {
                    c1.setSoTimeout(5000);
                    c2.setSoTimeout(5000);
                    String first = ask(c1, vs.address(), "0");
                    String server1 = first.substring(0, 1);
                    for (int i = 1; i < 50; i++) {
                        assertThat(ask(c1, vs.address(), Integer.toString(i))).isEqualTo(server1 + ":" + i);
                    }
                    String server2 = ask(c2, vs.address(), "x").substring(0, 1);
                    assertThat(server2).isNotEqualTo(server1); // rr gives the second flow the other server
                    ServiceStatistics stats = director.statistics().get(0);
                    assertThat(stats.totals().inPackets()).isEqualTo(51);
                    assertThat(stats.totals().outPackets()).isEqualTo(51);
                    assertThat(stats.connections()).isEqualTo(2);
                    // idle flows expire and give back their counters
                    await().atMost(Duration.ofSeconds(10)).until(() -> director.statistics().get(0).connections() == 0);
                    assertThat(director.statistics().get(0).realServers())
                            .allSatisfy(rs -> assertThat(rs.inactiveConnections()).isZero());
                }
            }
        }
    }

    @Test
    void aGracefulStopDropsUdpFlowsInsteadOfWaitingForThemToExpire() throws Exception {
        try (UdpEcho a = new UdpEcho("a")) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                port = probe.getLocalPort();
            }
            VirtualService vs = VirtualService.udp("127.0.0.1", port).scheduler("rr")
                    .realServer(RealServer.builder(a.address()).build()).build();
            Director director = Director.builder().virtualService(vs).ioThreads(1)
                    .udpTimeout(Duration.ofMinutes(5)).build();
            try (DatagramSocket client = new DatagramSocket()) {
                director.start().toCompletableFuture().join();
                client.setSoTimeout(5000);
                assertThat(ask(client, vs.address(), "hello")).isEqualTo("a:hello");
                assertThat(director.statistics().get(0).connections()).isEqualTo(1); // the flow, idle for 5 min
                // its grace is for connections that can finish; a flow would only wait for its 5-minute expiry
                director.stop(Duration.ofSeconds(30)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            } finally {
                director.close();
            }
        }
    }

    @Test
    void onePacketSchedulingSpreadsOneClientsDatagramsOverTheRealServers() throws Exception {
        try (UdpEcho a = new UdpEcho("a"); UdpEcho b = new UdpEcho("b")) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Backends.LOOPBACK, 0))) {
                port = probe.getLocalPort();
            }
            VirtualService vs = VirtualService.udp("127.0.0.1", port).scheduler("rr").onePacket(true)
                    .realServer(RealServer.builder(a.address()).build())
                    .realServer(RealServer.builder(b.address()).build()).build();
            try (Director director = Director.builder().virtualService(vs).ioThreads(1).build();
                 DatagramSocket client = new DatagramSocket()) {
                director.start().toCompletableFuture().join();
                client.setSoTimeout(5000);
                List<String> servers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    servers.add(ask(client, vs.address(), Integer.toString(i)).substring(0, 1));
                }
                assertThat(servers).containsExactly("a", "b", "a", "b", "a", "b"); // each datagram scheduled alone
            }
        }
    }
}
