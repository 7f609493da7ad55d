package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.lvs4j.api.Addresses;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.failover.Role;
import io.lvs4j.examples.demo.DemoDnsServer;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.KeepalivedTestAccess;
import io.lvs4j.keepalived.LoopbackTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus file that uses every keyword lvs4j runs (keepalived/run/everything.conf), run against loopback real
 * servers of each kind: each real server ends in the state its checkers call for, the notify and quorum commands
 * run, the instances become master and the virtual address's service is bound.
 */
class CorpusRunTest extends LoopbackTest {

    @TempDir
    Path dir;

    /** A minimal SMTP server: a 220 banner, 250 to HELO, 221 to QUIT. */
    private int smtp() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closing(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); BufferedReader in = new BufferedReader(new InputStreamReader(
                        s.getInputStream(), StandardCharsets.US_ASCII)); OutputStream out = s.getOutputStream()) {
                    out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    String line;
                    while ((line = in.readLine()) != null) {
                        boolean quit = line.startsWith("QUIT");
                        out.write((line.startsWith("HELO lvs4j.test") ? "250 hello\r\n" : quit ? "221 bye\r\n"
                                : "500 what\r\n").getBytes(StandardCharsets.US_ASCII));
                        if (quit) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // next client
                }
            }
        }, "smtp");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    @Test
    void everySupportedKeywordRunsAgainstLoopbackServers() throws Exception {
        byte[] index = "hello from lvs4j\n".getBytes(StandardCharsets.UTF_8);
        HttpServer http = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> hosts = new CopyOnWriteArrayList<>();
        http.createContext("/health", x -> {
            hosts.add(x.getRequestHeaders().getFirst("Host"));
            byte[] body = "status: ok\n".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        http.createContext("/index.html", x -> {
            x.sendResponseHeaders(200, index.length);
            x.getResponseBody().write(index);
            x.close();
        });
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.start();
        closing(() -> {
            http.stop(0);
            ((ExecutorService) http.getExecutor()).shutdownNow();
        });
        Echo echo = new Echo("echo");
        closing(echo);
        DemoDnsServer dns1 = DemoDnsServer.start("dns-1", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DemoDnsServer dns2 = DemoDnsServer.start("dns-2", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closing(dns1);
        closing(dns2);
        Path dynamic = dir.resolve("dynamic.sh");
        Files.writeString(dynamic, "#!/bin/sh\nexit 7\n"); // misc_dynamic: weight 7 - 2 = 5
        Path notify = dir.resolve("notify.sh");
        Files.writeString(notify, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("notify.log") + "\n");
        for (Path p : List.of(dynamic, notify)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
        Path key = dir.resolve("group.key");
        Files.writeString(key, "a-test-key-of-thirty-two-bytes!!");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        Map<String, String> values = new LinkedHashMap<>();
        for (String name : List.of("V1", "V2", "SORRY", "TLS", "DNSVS", "SMTPVS", "VRRP", "VRRP2", "VIPVS")) {
            values.put(name, Integer.toString(freePort()));
        }
        values.put("HTTP", Integer.toString(http.getAddress().getPort()));
        values.put("ECHO", Integer.toString(echo.port()));
        values.put("DNS1", Integer.toString(dns1.address().getPort()));
        values.put("DNS2", Integer.toString(dns2.address().getPort()));
        values.put("SMTP", Integer.toString(smtp()));
        values.put("DIR", dir.toString());
        values.put("KEY", key.toString());
        values.put("DIGEST", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(index)));
        String text = new String(getClass().getResourceAsStream("/keepalived/run/everything.conf").readAllBytes(),
                StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("@([A-Z0-9]+)@").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            assertThat(values).containsKey(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(sb);
        Path conf = dir.resolve("everything.conf");
        Files.writeString(conf, sb.toString());

        KeepalivedConfig.Result result = KeepalivedConfig.load(conf);
        assertThat(result.problems()).extracting(Object::toString).containsExactly(conf
                + ":63:13: warning: bindto is not supported by lvs4j (checks leave from the director's default "
                + "source address); ignored");
        KeepalivedDirector d = new KeepalivedDirector(result.config(), new KeepalivedDirector.Options(1, false));
        closing(() -> d.stop(Duration.ofMillis(200)).toCompletableFuture().join());
        d.start().toCompletableFuture().join();

        int httpPort = http.getAddress().getPort();
        Map<String, String> expected = new LinkedHashMap<>();
        for (String web : List.of("127.0.0.1:" + values.get("V1"), "127.0.0.2:" + values.get("V2"),
                "127.0.0.3:" + values.get("V2"))) {
            expected.put("TCP " + web + " 127.0.0.1:" + httpPort, "UP 3");
            expected.put("TCP " + web + " 127.0.0.1:" + echo.port(), "UP 1");
            expected.put("TCP " + web + " 127.0.0.1:" + values.get("TLS"), "UP 0"); // inhibited: weight 0
        }
        expected.put("UDP 127.0.0.1:" + values.get("DNSVS") + " 127.0.0.1:" + values.get("DNS1"), "UP 1");
        expected.put("UDP 127.0.0.1:" + values.get("DNSVS") + " 127.0.0.1:" + values.get("DNS2"), "UP 1");
        expected.put("TCP 127.0.0.1:" + values.get("SMTPVS") + " 127.0.0.1:" + values.get("SMTP"), "UP 2");
        expected.put("TCP 127.0.0.1:" + values.get("SMTPVS") + " 127.0.0.1:" + echo.port(), "UP 5");
        expected.put("TCP 127.0.0.1:" + values.get("SMTPVS") + " 127.0.0.2:" + echo.port(), "DOWN 1");
        expected.put("TCP 127.0.0.50:" + values.get("VIPVS") + " 127.0.0.1:" + echo.port(), "UP 1");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(states(d)).isEqualTo(expected));

        // alpha: the web servers started down, so the quorum was lost, then regained; notify_up ran
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("quorum-down"))
                && Files.exists(dir.resolve("quorum-up")) && Files.exists(dir.resolve("http-up")));
        assertThat(dir.resolve("http-down")).doesNotExist();
        assertThat(hosts).as("virtualhost").contains("www.example.com");

        // both instances master (no peer answers), the tracked script adds its line's weight, the group's and the
        // instance's commands ran, and the service on the virtual address is bound
        await().atMost(Duration.ofSeconds(10)).until(() -> d.roles().values().stream()
                .allMatch(r -> r == Role.MASTER));
        await().atMost(Duration.ofSeconds(5)).until(() -> KeepalivedTestAccess.failovers(d).get("VI_A").priority() == 170);
        assertThat(KeepalivedTestAccess.failovers(d).get("VI_B").priority()).isEqualTo(150);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("a-master"))
                && Files.exists(dir.resolve("group-master")) && Files.exists(dir.resolve("notify.log")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readString(dir.resolve(
                "notify.log"))).contains("INSTANCE VI_A MASTER 150", "GROUP PAIR MASTER 150"));
        ServiceKey vip = new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.50", Integer.parseInt(values.get("VIPVS"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> d.serving(vip));
        try (Client c = new Client(InetAddress.getByName("127.0.0.50"),
                Integer.parseInt(values.get("VIPVS")))) {
            assertThat(c.ask("through the vip")).isEqualTo("echo:through the vip");
        }
        d.stop(Duration.ofMillis(200)).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("a-stop"))); // notify_stop
    }

    /** "PROTO VIP RIP" to "STATE WEIGHT" for every real server. */
    private static Map<String, String> states(KeepalivedDirector d) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ServiceStatistics s : d.statistics()) {
            for (ServiceStatistics.RealServerStatistics r : s.realServers()) {
                out.put(s.protocol() + " " + Addresses.format(s.address()) + " "
                        + Addresses.format(r.address()), r.state() + " " + r.weight());
            }
        }
        return out;
    }
}
