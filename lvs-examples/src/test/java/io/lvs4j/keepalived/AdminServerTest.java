package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.examples.cli.Lvs4jCommand;
import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.AdminToken;
import io.lvs4j.keepalived.DirectorMetrics;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.LoopbackTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin endpoint: its token, its calls, the lvs4j commands that use it, and where it can be reached. */
class AdminServerTest {

    @TempDir
    Path dir;

    private LoopbackTest.Echo a;
    private LoopbackTest.Echo b;
    private KeepalivedDirector director;
    private AdminServer server;
    private String token;
    private Path tokenFile;
    private Path conf;
    private int vip;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        a = new LoopbackTest.Echo("A");
        b = new LoopbackTest.Echo("B");
        vip = LoopbackTest.freePort();
        conf = dir.resolve("k.conf");
        Files.writeString(conf, """
                virtual_server 127.0.0.1 %d {
                    lb_algo rr
                    lb_kind NAT
                    real_server 127.0.0.1 %d {
                        weight 2
                    }
                    real_server 127.0.0.1 %d {
                        weight 1
                    }
                }
                """.formatted(vip, a.port(), b.port()));
        director = new KeepalivedDirector(KeepalivedConfig.load(conf).config(), new KeepalivedDirector.Options(1,
                false));
        director.start().toCompletableFuture().join();
        token = AdminToken.create();
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, token, director,
                new DirectorMetrics(director), () -> director.reload(conf));
        tokenFile = dir.resolve("home").resolve("admin.token");
        AdminToken.write(tokenFile, token);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        director.close();
        a.close();
        b.close();
    }

    private HttpResponse<String> call(String method, String path, String bearer) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyCallNeedsTheToken() throws Exception {
        for (String[] c : new String[][] {{"GET", "/status"}, {"GET", "/metrics"}, {"POST", "/reload"},
            {"POST", "/drain?service=127.0.0.1:" + vip + "&real=127.0.0.1:" + a.port()}, {"GET", "/nothing"}}) {
            HttpResponse<String> none = call(c[0], c[1], null);
            assertThat(none.statusCode()).as(c[1]).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"lvs4j\"");
            assertThat(none.body()).doesNotContain("127.0.0.1");
            assertThat(call(c[0], c[1], token.replace(token.charAt(0), token.charAt(0) == 'a' ? 'b' : 'a'))
                    .statusCode()).as(c[1]).isEqualTo(401);
        }
        assertThat(director.adminState(new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.1", vip)), new InetSocketAddress("127.0.0.1", a.port())))
                .isEqualTo(KeepalivedDirector.AdminState.READY);
        assertThat(call("GET", "/status", token).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/nothing", token).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/drain", token).statusCode()).isEqualTo(405);
        HttpResponse<String> bad = call("POST", "/weight?service=127.0.0.1:" + vip + "&real=localhost:80&weight=1",
                token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("real must be IP:PORT (or [IPv6]:PORT) but was 'localhost:80'\n");
        assertThat(call("POST", "/weight?service=127.0.0.1:" + vip + "&real=127.0.0.1:" + a.port()
                + "&weight=70000", token).body()).isEqualTo("weight must be 0..65535 but was 70000\n");
    }

    @Test
    void theTokenFileIsReadableByItsUserOnly() throws Exception {
        assertThat(AdminToken.read(tokenFile)).isEqualTo(token).hasSize(64);
        if (tokenFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(tokenFile)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(tokenFile.getParent())).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE);
        }
    }

    @Test
    void itBindsLoopbackOnlyUnlessToldOtherwise() throws Exception {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> AdminServer.start(new InetSocketAddress(0), false,
                        token, director, new DirectorMetrics(director), () -> "x"))
                .withMessageStartingWith("the admin endpoint binds loopback addresses only, but was given 0.0.0.0")
                .withMessageEndingWith("say --admin-remote to expose it (its token then crosses the network in "
                        + "clear)");
        // from any non-loopback address of this host, the port is closed
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && !address.isLinkLocalAddress() && nic.isUp()) {
                    Assertions.assertThatThrownBy(() -> new Socket(address,
                            server.address().getPort()).close()).as(address.toString())
                            .isInstanceOf(ConnectException.class);
                }
            }
        }
    }

    private int lvs4j(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Lvs4jCommand.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--admin";
        all[args.length + 1] = "127.0.0.1:" + server.address().getPort();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = tokenFile.toString();
        return cl.execute(all);
    }

    @Test
    void theCommandsDrainWeightDisableEnableAndPrintTheStatus() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String service = "127.0.0.1:" + vip;
        String real = "127.0.0.1:" + a.port();
        assertThat(lvs4j(out, err, "drain", "-t", service, "-r", real)).isZero();
        assertThat(out.toString()).startsWith(real + " in TCP " + service + ": draining");
        assertThat(lvs4j(out, err, "weight", "-t", service, "-r", real, "-w", "7")).isZero();
        assertThat(out.toString()).contains(real + " in TCP " + service + ": weight 7 (still DRAIN)");
        assertThat(lvs4j(out, err, "status")).isZero();
        assertThat(out.toString()).contains("lvs4j director").containsPattern("TCP  " + service.replace(".", "\\.")
                        + " +rr ").containsPattern(real.replace(".", "\\.") + " +7 .*UP DRAIN");
        assertThat(lvs4j(out, err, "disable", "-t", service, "-r", real)).isZero();
        assertThat(lvs4j(out, err, "status")).isZero();
        assertThat(out.toString()).contains("DOWN MAINT");
        assertThat(lvs4j(out, err, "status", "--metrics")).isZero();
        assertThat(out.toString()).contains("lvs4j_real_servers_held{hold=\"MAINT\"} 1",
                "lvs4j_real_servers_held{hold=\"DRAIN\"} 0");
        assertThat(lvs4j(out, err, "enable", "-t", service, "-r", real)).isZero();
        assertThat(out.toString()).contains(real + " in TCP " + service + ": ready");
        // a UDP service of that address does not exist: the director says so, and the command fails
        assertThat(lvs4j(out, err, "drain", "-u", service, "-r", real)).isEqualTo(1);
        assertThat(err.toString()).contains("virtual service UDP " + service + " is not configured (configured: TCP "
                + service + ")");
        assertThat(lvs4j(out, err, "status", "--metrics")).isZero();
        assertThat(out.toString()).contains("lvs4j_real_server_weight{protocol=\"TCP\",real_server=\"" + real
                + "\",service=\"" + service + "\"} 7.0", "lvs4j_service_serving{protocol=\"TCP\",service=\""
                + service + "\"} 1.0", "# TYPE lvs4j_real_server_connections_total counter");
    }

    @Test
    void statusJsonPrintsTheDocumentAndTakesNoOtherFormat() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String real = "127.0.0.1:" + a.port();
        assertThat(lvs4j(out, err, "drain", "-t", "127.0.0.1:" + vip, "-r", real)).isZero();
        out.getBuffer().setLength(0);
        assertThat(lvs4j(out, err, "status", "--json")).isZero();
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString());
        assertThat(doc.get("schema").asInt()).isEqualTo(1);
        assertThat(doc.at("/services/0/address").asText()).isEqualTo("127.0.0.1:" + vip);
        com.fasterxml.jackson.databind.JsonNode drained = null;
        for (com.fasterxml.jackson.databind.JsonNode r : doc.at("/services/0/realServers")) {
            if (r.get("address").asText().equals(real)) {
                drained = r;
            }
        }
        assertThat(drained).isNotNull();
        assertThat(drained.get("hold").asText()).isEqualTo("DRAIN");
        assertThat(lvs4j(out, err, "status", "--json", "--metrics")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void metricsCountTheConnectionsAndFollowAReload() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (LoopbackTest.Client c = new LoopbackTest.Client(vip)) {
                assertThat(c.ask("x")).endsWith(":x");
            }
        }
        String service = "127.0.0.1:" + vip;
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(call("GET", "/metrics", token).body())
                .contains("lvs4j_service_connections_total{protocol=\"TCP\",service=\"" + service + "\"} 3.0"));
        Files.writeString(conf, Files.readString(conf).replace("    real_server 127.0.0.1 " + b.port()
                + " {\n        weight 1\n    }\n", ""));
        HttpResponse<String> reload = call("POST", "/reload", token);
        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(reload.body()).isEqualTo("reloaded: 1 virtual service: 0 added, 1 changed, 0 removed\n");
        assertThat(call("GET", "/metrics", token).body()).contains("real_server=\"127.0.0.1:" + a.port() + "\"")
                .doesNotContain("real_server=\"127.0.0.1:" + b.port() + "\"");
        Files.writeString(conf, "virtual_server 127.0.0.1 " + vip + " {\n    lb_algo nosuch\n}\n");
        HttpResponse<String> refused = call("POST", "/reload", token);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).startsWith("reload refused: " + conf + " is not valid (" + conf + ":2:13: error: "
                + "lb_algo names no scheduler: 'nosuch'").endsWith("the running configuration is unchanged\n");
        assertThat(Set.of(director.statistics().get(0).realServers().size())).containsExactly(1);
    }
}
