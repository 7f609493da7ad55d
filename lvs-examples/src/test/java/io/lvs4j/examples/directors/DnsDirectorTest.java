package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServerState;
import io.lvs4j.examples.demo.DemoDnsServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every query of one client socket (one UDP flow) is scheduled on its own, and a DNS server that stops answering is
 * taken out by its check.
 */
class DnsDirectorTest extends LoopbackExample {

    @Test
    void queriesFromOneSocketAreSpreadPerPacketAndADeadServerIsSkipped() throws Exception {
        DemoDnsServer one = closing(DemoDnsServer.start("dns-1", new InetSocketAddress(LOOPBACK, 0)));
        DemoDnsServer two = closing(DemoDnsServer.start("dns-2", new InetSocketAddress(LOOPBACK, 0)));
        InetSocketAddress listen = new InetSocketAddress(LOOPBACK, freePort());
        DnsDirector example = closing(DnsDirector.start(listen, List.of(one.address(), two.address()),
                Duration.ofMillis(100)));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            client.setSoTimeout(3000); // a query sent to a dead server fails the test instead of hanging it
            // rr with one-packet scheduling: the same socket's queries alternate between the servers
            assertThat(whoami(client, listen, 10)).containsOnly(entry("dns-1", 5), entry("dns-2", 5));

            closeNow(two);
            int dead = two.address().getPort();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> state(example.director(), dead) == RealServerState.DOWN);
            assertThat(whoami(client, listen, 6)).containsOnly(entry("dns-1", 6));
        }
    }

    /** Sends {@code n} {@code whoami TXT} queries from {@code client}, one at a time; who answered, how often. */
    private static Map<String, Integer> whoami(DatagramSocket client, InetSocketAddress server, int n)
            throws IOException {
        Map<String, Integer> answers = new TreeMap<>();
        for (int id = 1; id <= n; id++) {
            ByteBuffer query = ByteBuffer.allocate(32)
                    .putShort((short) id).putShort((short) 0x0100) // id, flags: recursion desired
                    .putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0) // 1 question
                    .put((byte) 6).put("whoami".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                    .putShort((short) 16).putShort((short) 1); // TXT, IN
            client.send(new DatagramPacket(query.array(), query.position(), server));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            client.receive(reply);
            ByteBuffer r = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
            assertThat(r.getShort(0)).as("the answer to query %d", id).isEqualTo((short) id);
            // DemoDnsServer's answer ends with its TXT record's data: one length byte, then the server's name
            int length = r.get(reply.getLength() - 6) & 0xff;
            assertThat(length).as("TXT length").isEqualTo(5);
            answers.merge(new String(reply.getData(), reply.getLength() - 5, 5, StandardCharsets.US_ASCII), 1,
                    Integer::sum);
        }
        return answers;
    }
}
