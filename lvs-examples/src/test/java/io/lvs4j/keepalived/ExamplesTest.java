package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.failover.Role;
import io.lvs4j.examples.demo.DemoDnsServer;
import io.lvs4j.examples.demo.DemoRealServer;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.LoopbackTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files under src/main/resources/examples run as the README says, on loopback, with their ports (and the pair's
 * key and fault files) moved to free ones so that the test can run beside anything else.
 */
class ExamplesTest extends LoopbackTest {

    @TempDir
    Path dir;

    /** The example's text with each {@code from} replaced by its {@code to}. */
    private Path example(String name, Map<String, String> replace) throws Exception {
        String text = new String(ExamplesTest.class.getResourceAsStream("/examples/" + name).readAllBytes(),
                StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : replace.entrySet()) {
            assertThat(text).as(name).contains(e.getKey());
            text = text.replace(e.getKey(), e.getValue());
        }
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private KeepalivedDirector run(Path file) throws Exception {
        KeepalivedConfig.Result r = KeepalivedConfig.load(file);
        assertThat(r.problems()).as(file.toString()).isEmpty(); // no error, and no warning either
        KeepalivedDirector d = new KeepalivedDirector(r.config(), new KeepalivedDirector.Options(1, false));
        closing(() -> d.stop(Duration.ofMillis(200)).toCompletableFuture().join());
        d.start().toCompletableFuture().join();
        return d;
    }

    private static String port() throws IOException {
        return Integer.toString(freePort());
    }

    private DemoRealServer http(String name) throws InterruptedException {
        DemoRealServer s = DemoRealServer.start(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4,
                Duration.ofMillis(1), 16, DemoRealServer.Overflow.REJECT);
        closing(s);
        return s;
    }

    private static boolean allUp(KeepalivedDirector d) {
        return d.statistics().stream().flatMap(s -> s.realServers().stream())
                .allMatch(r -> r.state() == RealServerState.UP);
    }

    @Test
    void theHttpClusterBalancesOverBothRealServers() throws Exception {
        DemoRealServer one = http("one");
        DemoRealServer two = http("two");
        String vip = port();
        KeepalivedDirector d = run(example("http-cluster.conf", Map.of("9001", port(one), "9002", port(two),
                "8080", vip)));
        await().atMost(Duration.ofSeconds(10)).until(() -> allUp(d));
        TreeSet<String> seen = new TreeSet<>();
        for (int i = 0; i < 6; i++) { // a client each time: a new connection, scheduled anew
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vip + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(r.body().strip());
        }
        assertThat(seen).containsExactly("served by one", "served by two");
    }

    private static String port(DemoRealServer s) {
        return Integer.toString(s.address().getPort());
    }

    @Test
    void theDnsClusterSpreadsQueriesOverBothServers() throws Exception {
        DemoDnsServer one = DemoDnsServer.start("dns-1", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DemoDnsServer two = DemoDnsServer.start("dns-2", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closing(one);
        closing(two);
        String vip = port();
        KeepalivedDirector d = run(example("dns-cluster.conf", Map.of("5301",
                Integer.toString(one.address().getPort()), "5302", Integer.toString(two.address().getPort()), "5353",
                vip)));
        // both were checked (DNS_CHECK asks SOA of "."; warm-up and delay_loop are 2 s) and passed
        await().atMost(Duration.ofSeconds(15)).until(() -> one.answered() >= 1 && two.answered() >= 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> allUp(d));
        long checks = one.answered() + two.answered();
        TreeSet<String> seen = new TreeSet<>();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(3000);
            for (int id = 1; id <= 4; id++) {
                seen.add(txt(socket, Integer.parseInt(vip), id));
            }
        }
        assertThat(seen).containsExactly("dns-1", "dns-2"); // ops: each datagram scheduled on its own
        assertThat(one.answered() + two.answered()).isGreaterThanOrEqualTo(checks + 4);
    }

    /** Asks {@code whoami TXT} and returns the TXT string of the answer. */
    private static String txt(DatagramSocket socket, int port, int id) throws IOException {
        ByteBuffer q = ByteBuffer.allocate(64);
        q.putShort((short) id).putShort((short) 0).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        q.put((byte) 6).put("whoami".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        q.putShort((short) 16).putShort((short) 1); // TXT, IN
        socket.send(new DatagramPacket(q.array(), q.position(), InetAddress.getLoopbackAddress(), port));
        DatagramPacket p = new DatagramPacket(new byte[512], 512);
        socket.receive(p);
        ByteBuffer r = ByteBuffer.wrap(p.getData(), 0, p.getLength());
        assertThat(r.getShort(0)).isEqualTo((short) id);
        assertThat(r.getShort(6)).as("answers").isEqualTo((short) 1);
        // the answer's TXT data is the packet's last bytes: a length, then the text
        int end = p.getLength();
        for (int len = 1; len < 64; len++) {
            if ((p.getData()[end - len - 1] & 0xff) == len) {
                return new String(p.getData(), end - len, len, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no TXT string in the answer");
    }

    @Test
    void theActiveStandbyPairMovesTheVirtualServiceWhenTheMastersScriptFails() throws Exception {
        DemoRealServer one = http("one");
        DemoRealServer two = http("two");
        Path key = dir.resolve("example.key");
        Files.write(key, "thirty-two-bytes-of-example-key!".getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String vip = port();
        String failover = port();
        Map<String, String> common = Map.of("9001", port(one), "9002", port(two), "8080", vip,
                "key_file /tmp/lvs4j-example.key", "key_file " + key + "\n        failover_port " + failover,
                "/tmp/lvs4j-example-fault-", dir.resolve("fault-").toString());
        KeepalivedDirector a = run(example("active-standby-a.conf", common));
        KeepalivedDirector b = run(example("active-standby-b.conf", common));
        ServiceKey service = new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.100", Integer.parseInt(vip)));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.serving(service)
                && b.roles().get("VI_EXAMPLE") == Role.BACKUP);
        assertThat(b.serving(service)).isFalse();
        Files.writeString(dir.resolve("fault-a"), "");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.serving(service) && !a.serving(service));
        assertThat(a.roles().get("VI_EXAMPLE")).isEqualTo(Role.FAULT);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.100:" + vip + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).startsWith("served by ");
        Files.delete(dir.resolve("fault-a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.serving(service) && !b.serving(service));
        assertThat(a.statistics()).extracting(ServiceStatistics::scheduler).containsExactly("rr");
    }
}
