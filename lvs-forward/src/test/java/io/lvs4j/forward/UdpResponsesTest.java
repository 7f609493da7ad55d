package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.UdpForwardingTest.UdpEcho;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UDP service's reply limit ({@link VirtualService#udpResponses()}, nginx's {@code proxy_responses}): a flow ends
 * right after its last owed reply, the client's next datagram opens a new flow, and a real server that keeps replying
 * cannot push more than the owed replies through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpResponsesTest {

    /**
     * A real server answering a datagram {@code "N*TEXT"} with N replies {@code NAME:TEXT:I} (one reply when the
     * datagram has no count).
     */
    static UdpEcho chatty(String name) throws Exception {
        return new UdpEcho(name, text -> {
            int star = text.indexOf('*');
            int count = star < 0 ? 1 : Integer.parseInt(text.substring(0, star));
            List<String> replies = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                replies.add(name + ":" + text.substring(star + 1) + ":" + i);
            }
            return replies;
        });
    }

    private static void send(DatagramSocket client, InetSocketAddress to, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, to));
    }

    private static String receive(DatagramSocket client) throws Exception {
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }

    private static VirtualService.Builder service(UdpEcho... servers) throws Exception {
        VirtualService.Builder b = VirtualService.udp("127.0.0.1", UdpFlowLimitTest.freeUdpPort()).scheduler("rr");
        for (UdpEcho s : servers) {
            b.realServer(RealServer.builder(s.address()).build());
        }
        return b;
    }

    private static Director start(VirtualService vs) {
        Director director = Director.builder().virtualService(vs).ioThreads(1).udpTimeout(Duration.ofMinutes(5))
                .build();
        director.start().toCompletableFuture().join();
        return director;
    }

    private static int flows(Director director) {
        return director.statistics().get(0).connections();
    }

    @Test
    void withOneResponseAFlowEndsAfterItsReplyAndTheSamePortGetsANewFlowScheduledAfresh() throws Exception {
        try (UdpEcho a = chatty("a"); UdpEcho b = chatty("b")) {
            VirtualService vs = service(a, b).udpResponses(1).build();
            try (Director director = start(vs); DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(5000);
                send(client, vs.address(), "q1");
                String first = receive(client);
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                send(client, vs.address(), "q2");
                String second = receive(client);
                // rr: the new flow of the same client port goes to the other real server
                assertThat(first).matches("[ab]:q1:0");
                assertThat(second).isEqualTo((first.startsWith("a") ? "b" : "a") + ":q2:0");
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                ServiceStatistics stats = director.statistics().get(0);
                assertThat(stats.totals().connections()).isEqualTo(2);
                assertThat(stats.totals().outPackets()).isEqualTo(2);
                assertThat(stats.evictedFlows()).isZero(); // ended, not evicted
                assertThat(stats.realServers()).allSatisfy(rs -> {
                    assertThat(rs.inactiveConnections()).isZero();
                    assertThat(rs.activeConnections()).isZero();
                });
            }
        }
    }

    @Test
    void withTwoResponsesAFlowOutlivesItsFirstReplyAndEndsAfterItsSecond() throws Exception {
        try (UdpEcho a = chatty("a")) {
            VirtualService vs = service(a).udpResponses(2).build();
            try (Director director = start(vs); DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(5000);
                send(client, vs.address(), "q1");
                assertThat(receive(client)).isEqualTo("a:q1:0");
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> flows(director) == 1);
                // the real server's second reply to q1, sent later to the flow's socket
                InetSocketAddress flowSocket = a.senders.iterator().next();
                byte[] late = "a:q1:1".getBytes(StandardCharsets.US_ASCII);
                a.socket.send(new DatagramPacket(late, late.length, flowSocket));
                assertThat(receive(client)).isEqualTo("a:q1:1");
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                send(client, vs.address(), "2*q2");
                assertThat(receive(client)).isEqualTo("a:q2:0");
                assertThat(receive(client)).isEqualTo("a:q2:1");
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                assertThat(director.statistics().get(0).totals().connections()).isEqualTo(2);
            }
        }
    }

    @Test
    void theLimitIsPerDatagramSoQueriesInFlightTogetherAreAllAnswered() throws Exception {
        // nginx's proxy_responses counts replies per client datagram: a client with two queries outstanding on one
        // port (dnsperf, a stub resolver) gets both answers, and the flow ends with the second
        try (UdpEcho a = new UdpEcho("a", text -> text.equals("second") ? List.of("a:first", "a:second") : List.of())) {
            VirtualService vs = service(a).udpResponses(1).build();
            try (Director director = start(vs); DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(5000);
                send(client, vs.address(), "first"); // answered only with the second, as a slow server would
                send(client, vs.address(), "second");
                assertThat(receive(client)).isEqualTo("a:first");
                assertThat(receive(client)).isEqualTo("a:second");
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                assertThat(director.statistics().get(0).totals().connections()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRealServerReplyingAThousandTimesToOneQueryDeliversExactlyOneReply() throws Exception {
        try (UdpEcho a = chatty("a")) {
            VirtualService vs = service(a).udpResponses(1).build();
            try (Director director = start(vs); DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(5000);
                send(client, vs.address(), "1000*flood");
                assertThat(receive(client)).isEqualTo("a:flood:0");
                await().atMost(Duration.ofSeconds(10)).until(() -> a.sent.get() == 1000);
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                // whatever of the 999 the director read after the first was dropped: the next datagram the client
                // gets is the answer to its next query, not a late flood reply
                send(client, vs.address(), "ping");
                assertThat(receive(client)).isEqualTo("a:ping:0");
                await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                ServiceStatistics stats = director.statistics().get(0);
                assertThat(stats.totals().outPackets()).isEqualTo(2);
                assertThat(stats.totals().connections()).isEqualTo(2);
                assertThat(stats.realServers().get(0).inactiveConnections()).isZero();
            }
        }
    }

    @Test
    void byDefaultAFlowIsOwedEveryReplyAndStays() throws Exception {
        try (UdpEcho a = chatty("a")) {
            VirtualService vs = service(a).build();
            assertThat(vs.udpResponses()).isZero();
            try (Director director = start(vs); DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(5000);
                send(client, vs.address(), "3*q");
                List<String> replies = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    replies.add(receive(client));
                }
                assertThat(replies).containsExactly("a:q:0", "a:q:1", "a:q:2");
                send(client, vs.address(), "again");
                assertThat(receive(client)).isEqualTo("a:again:0");
                assertThat(flows(director)).isEqualTo(1);
                assertThat(director.statistics().get(0).totals().connections()).isEqualTo(1);
            }
        }
    }

    @Test
    void withOnePacketSchedulingEachQueryGetsAFlowThatEndsWithItsReply() throws Exception {
        try (UdpEcho a = chatty("a"); UdpEcho b = chatty("b")) {
            VirtualService vs = service(a, b).onePacket(true).udpResponses(1).build();
            try (Director director = start(vs); DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(5000);
                List<String> servers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    send(client, vs.address(), "q" + i);
                    servers.add(receive(client).substring(0, 1));
                    await().atMost(Duration.ofSeconds(5)).until(() -> flows(director) == 0);
                }
                assertThat(servers).containsExactly("a", "b", "a", "b", "a", "b");
                // without the limit the flows (client, a) and (client, b) would carry all six: two in total
                assertThat(director.statistics().get(0).totals().connections()).isEqualTo(6);
            }
        }
    }
}
