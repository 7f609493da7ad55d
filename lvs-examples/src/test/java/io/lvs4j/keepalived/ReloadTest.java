package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.examples.cli.Lvs4jCommand;
import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.AdminToken;
import io.lvs4j.keepalived.DirectorMetrics;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.LoopbackTest;
import io.lvs4j.keepalived.Reloader;
import io.lvs4j.keepalived.spec.DirectorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * A reload is all or nothing, and {@code --check} refuses what a reload would refuse: each file below adds one good
 * virtual service and then something that cannot be built; {@code lvs4j director --check} names its file:line:column,
 * and a running director given the same file binds nothing new, keeps serving, and {@code lvs4j reload} exits 1.
 */
class ReloadTest extends LoopbackTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int lvs4j(String... args) {
        CommandLine cl = Lvs4jCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static String service(Object port, String settings, String reals) {
        return "virtual_server 127.0.0.1 " + port + " {\n    lb_algo rr\n    lb_kind NAT\n" + settings + reals + "}\n";
    }

    private static String real(Object port, String settings) {
        return "    real_server 127.0.0.1 " + port + " {\n        weight 1\n" + settings + "    }\n";
    }

    /** A running director with its admin endpoint. */
    private record Live(KeepalivedDirector director, AdminServer admin, Path tokenFile) {
        String adminAddress() {
            return "127.0.0.1:" + admin.address().getPort();
        }
    }

    private final AtomicReference<Error> nextReloadThrows = new AtomicReference<>();
    private Echo a;
    private int old;
    private Path conf;
    private String before;
    private Live live;
    private Client held;

    /** Runs a director of one virtual service with one real server, and holds a connection through it. */
    @BeforeEach
    void runOneService() throws Exception {
        a = closing(new Echo("A"));
        old = freePort();
        conf = dir.resolve("k.conf");
        before = service(old, "", real(a.port(), ""));
        Files.writeString(conf, before);
        KeepalivedDirector d = new KeepalivedDirector(KeepalivedConfig.load(conf).config(),
                new KeepalivedDirector.Options(1, false));
        closing(() -> d.stop(Duration.ofMillis(200)).toCompletableFuture().join());
        d.start().toCompletableFuture().join();
        String token = AdminToken.create();
        AdminServer admin = closing(AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                false, token, d, new DirectorMetrics(d), new Reloader(() -> {
                    Error e = nextReloadThrows.getAndSet(null);
                    if (e != null) {
                        throw e;
                    }
                    return d.reload(conf);
                })::reload));
        Path tokenFile = dir.resolve("home").resolve("admin.token");
        AdminToken.write(tokenFile, token);
        live = new Live(d, admin, tokenFile);
        held = closing(new Client(old));
        assertThat(held.ask("one")).isEqualTo("A:one");
    }

    private int reload() {
        return lvs4j("reload", "--admin", live.adminAddress(), "--token-file", live.tokenFile().toString());
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    static Stream<Arguments> unbuildable() {
        // NEW: a free port for a bad service; REAL: the echo server; the line and column count from the fragment
        return Stream.of(
                Arguments.of("thresholds", service("NEW", "", real("REAL",
                                "        lthreshold 10\n        uthreshold 5\n")), 4, 5,
                        "real_server 127.0.0.1:REAL: lowerThreshold (10) must not exceed upperThreshold (5)"),
                Arguments.of("a flag its scheduler does not take", service("NEW", "    sh-port\n",
                        real("REAL", "")), 4, 5, "sh-port: scheduler rr has no flag 'sh-port'"),
                Arguments.of("a sorry server that is a real server", service("NEW", "    sorry_server 127.0.0.1 REAL\n",
                        real("REAL", "")), 4, 5, "virtual_server TCP 127.0.0.1:NEW: sorryServer 127.0.0.1:REAL"),
                Arguments.of("ops on TCP", service("NEW", "    ops\n", real("REAL", "")), 4, 5,
                        "virtual_server TCP 127.0.0.1:NEW: onePacket applies to UDP services only"),
                Arguments.of("delay_loop 0", service("NEW", "    delay_loop 0\n", real("REAL", "")), 4, 16,
                        "delay_loop must be more than 0 seconds (e.g. 3 or 0.5) but was '0'"),
                Arguments.of("a non-numeric port in a group", "virtual_server_group G {\n    127.0.0.1 http\n}\n"
                                + "virtual_server group G {\n    lb_kind NAT\n" + real("REAL", "") + "}\n", 2, 15,
                        "virtual_server_group port must be a whole number 1..65535 but was 'http'"),
                Arguments.of("a VRRP advert interval the protocol cannot carry", "vrrp_instance VI_9 {\n"
                                + "    virtual_router_id 9\n    advert_int 0.005\n    unicast_src_ip 127.0.0.1\n"
                                + "    unicast_peer {\n        127.0.0.2\n    }\n    lvs4j {\n        insecure\n"
                                + "    }\n}\n", 3, 5,
                        "vrrp_instance VI_9: advertInterval must be 10ms..40950ms in 10 ms steps"),
                Arguments.of("a script interval of 0", "vrrp_script chk {\n    script true\n    interval 0\n}\n", 3,
                        14, "interval must be more than 0 seconds (e.g. 3 or 0.5) but was '0'"),
                Arguments.of("weight N reverse", "vrrp_script chk {\n    script true\n    weight 10 reverse\n}\n", 3,
                        12, "weight 10 reverse is not built in lvs4j"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unbuildable")
    void whatCannotBeBuiltIsRefusedByCheckWithItsPlaceAndByAReloadWithNothingChanged(String what, String fragment,
            int line, int column, String message) throws Exception {
        int added = freePort();
        int bad = freePort();
        DirectorSpec running = live.director().config();

        String prefix = before + service(added, "", real(a.port(), ""));
        Files.writeString(conf, prefix + fragment.replace("NEW", Integer.toString(bad)).replace("REAL",
                Integer.toString(a.port())));
        String expected = conf + ":" + (prefix.lines().count() + line) + ":" + column + ": error: "
                + message.replace("REAL", Integer.toString(a.port())).replace("NEW", Integer.toString(bad));

        assertThat(lvs4j("director", "--check", "-f", conf.toString())).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains(expected).contains("is not valid");

        assertThat(reload()).as(out.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("lvs4j reload: reload refused: ", expected,
                "the running configuration is unchanged");
        assertRefused(added);
        assertRefused(bad);
        assertThat(held.ask("two")).isEqualTo("A:two");
        try (Client c = new Client(old)) {
            assertThat(c.ask("new")).isEqualTo("A:new");
        }
        assertThat(live.director().config()).isSameAs(running);
        assertThat(live.director().statistics()).hasSize(1);
    }

    @Test
    void aBindThatFailsClosesWhatTheReloadBoundAndTheNextReloadWorks() throws Exception {
        int added = freePort();
        ServerSocket taken = closing(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()));

        // the file is valid: only binding it can fail, and it does on the port another socket holds
        Files.writeString(conf, service(old, "", real(a.port(), "")) + service(added, "", real(a.port(), ""))
                + service(taken.getLocalPort(), "", real(a.port(), "")));
        assertThat(lvs4j("director", "--check", "-f", conf.toString())).as(err.toString()).isZero();
        assertThat(reload()).isEqualTo(1);
        assertThat(err.toString()).contains("reload refused: cannot bind TCP 127.0.0.1:" + taken.getLocalPort(),
                "what this reload bound is closed again and the running configuration is unchanged");
        assertRefused(added);
        assertThat(live.director().config().services()).hasSize(1);
        assertThat(live.director().statistics()).hasSize(1);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), taken.getLocalPort());
                Socket accepted = taken.accept()) {
            assertThat(accepted.getPort()).isEqualTo(s.getLocalPort()); // still the other socket's port
        }
        assertThat(held.ask("two")).isEqualTo("A:two");

        taken.close();
        assertThat(reload()).as(err.toString()).isZero();
        assertThat(out.toString()).contains("reloaded: 3 virtual services: 2 added, 0 changed, 0 removed");
        try (Client c = new Client(added); Client d = new Client(taken.getLocalPort())) {
            assertThat(c.ask("x")).isEqualTo("A:x");
            assertThat(d.ask("y")).isEqualTo("A:y");
        }
    }

    @Test
    void aReloadThatThrowsAnErrorIsRefusedAndTheNextReloadStillWorks() throws Exception {
        int added = freePort();
        nextReloadThrows.set(new StackOverflowError("thrown by the test"));
        Files.writeString(conf, service(old, "", real(a.port(), "")) + service(added, "", real(a.port(), "")));
        HttpResponse<String> first = post("/reload");
        assertThat(first.statusCode()).isEqualTo(409);
        assertThat(first.body()).isEqualTo("reload refused: the reload failed (java.lang.StackOverflowError: thrown "
                + "by the test); the running configuration is unchanged\n");
        assertRefused(added);
        HttpResponse<String> second = post("/reload");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("reloaded: 2 virtual services: 1 added, 0 changed, 0 removed\n");
        try (Client c = new Client(added)) {
            assertThat(c.ask("z")).isEqualTo("A:z");
        }
    }

    private HttpResponse<String> post(String path) throws IOException, InterruptedException {
        String token = AdminToken.read(live.tokenFile());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + live.adminAddress() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
