package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.api.health.HealthMonitor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTP_GET and SSL_GET against the JDK's own HTTP and HTTPS servers on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpCheckTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final List<String> HOSTS = new CopyOnWriteArrayList<>();
    private static HttpServer http;
    private static HttpsServer https;
    private static HealthMonitor monitor;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        http = HttpServer.create(new InetSocketAddress(LO, 0), 50);
        https = HttpsServer.create(new InetSocketAddress(LO, 0), 50);
        for (var server : List.of(http, https)) {
            server.createContext("/ok", ex -> reply(ex, 200, "hello world"));
            server.createContext("/fail", ex -> reply(ex, 503, "overloaded"));
            server.createContext("/moved", ex -> reply(ex, 301, ""));
            server.createContext("/big", ex -> reply(ex, 200, "x".repeat(HttpGet.MAX_BODY_BYTES + 1)));
            server.createContext("/host", ex -> {
                HOSTS.add(ex.getRequestHeaders().getFirst("Host") + " " + ex.getProtocol());
                reply(ex, 200, "ok");
            });
        }
        https.setHttpsConfigurator(new HttpsConfigurator(selfSigned(dir)));
        http.start();
        https.start();
        // the monitor is only the owner of the event loop the checks run on
        monitor = HealthMonitors.create(HealthMonitorConfig.ofDefaults(), CheckFactory.tcp(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() {
        http.stop(0);
        https.stop(0);
        monitor.close();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** A PKCS#12 key pair for 127.0.0.1 made by the JDK's keytool, loaded into a server SSLContext. */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "test", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        assertThat(Files.exists(ks)).isTrue();
        return ctx;
    }

    private static CheckResult run(HttpGet spec, boolean tls) throws Exception {
        int port = (tls ? https : http).getAddress().getPort();
        RealServer rs = RealServer.builder(new InetSocketAddress(LO, port)).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
        HealthCheck check = CheckFactory.http(spec).checkFor(vs, rs);
        return check.check(rs).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void statusCodesDecide() throws Exception {
        assertThat(run(HttpGet.builder("/ok").build(), false).healthy()).isTrue();
        CheckResult failed = run(HttpGet.builder("/fail").build(), false);
        assertThat(failed.healthy()).isFalse();
        assertThat(failed.detail()).isEqualTo("HTTP 503, expected 200-299");
        assertThat(run(HttpGet.builder("/moved").build(), false).healthy()).isFalse();
        assertThat(run(HttpGet.builder("/moved").statusCodes("200-299, 301").build(), false).healthy()).isTrue();
    }

    @Test
    void theBodyDigestAndRegexMustMatch() throws Exception {
        String md5OfHelloWorld = "5eb63bbbe01eeed093cb22bb8f5acdc3";
        assertThat(run(HttpGet.builder("/ok").digest(md5OfHelloWorld).build(), false).healthy()).isTrue();
        CheckResult wrong = run(HttpGet.builder("/ok").digest("00000000000000000000000000000000").build(), false);
        assertThat(wrong.healthy()).isFalse();
        assertThat(wrong.detail()).isEqualTo("body MD5 " + md5OfHelloWorld + ", expected "
                + "00000000000000000000000000000000");
        assertThat(run(HttpGet.builder("/ok").regex("wor.d").build(), false).healthy()).isTrue();
        assertThat(run(HttpGet.builder("/ok").regex("^bye").build(), false).detail())
                .isEqualTo("body does not match ^bye");
    }

    @Test
    void theVirtualHostAndHttpVersionAreSent() throws Exception {
        HOSTS.clear();
        assertThat(run(HttpGet.builder("/host").virtualHost("www.example.test").build(), false).healthy()).isTrue();
        assertThat(run(HttpGet.builder("/host").http10(true).build(), false).healthy()).isTrue();
        assertThat(HOSTS).containsExactly("www.example.test HTTP/1.1",
                "127.0.0.1:" + http.getAddress().getPort() + " HTTP/1.0");
    }

    @Test
    void sslGetAcceptsASelfSignedServerUnlessVerificationIsOn() throws Exception {
        assertThat(run(HttpGet.builder("/ok").tls(false).build(), true).healthy()).isTrue();
        CheckResult verified = run(HttpGet.builder("/ok").tls(true).build(), true);
        assertThat(verified.healthy()).isFalse();
        assertThat(verified.detail()).contains("HTTP check failed");
    }

    @Test
    void aBodyPastTheDigestLimitFailsOnlyACheckThatReadsTheBody() throws Exception {
        // a status-only check reads the body to its end but keeps none of it (keepalived's HTTP_GET without digest)
        assertThat(run(HttpGet.builder("/big").build(), false).healthy()).isTrue();
        CheckResult digest = run(HttpGet.builder("/big").digest("00000000000000000000000000000000").build(), false);
        assertThat(digest.healthy()).isFalse();
        assertThat(digest.detail()).contains("HTTP check failed").contains("TooLong");
    }

    @Test
    void somethingThatIsNotHttpFailsTheCheckSayingSo() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            Thread server = new Thread(() -> {
                try (var c = s.accept(); OutputStream out = c.getOutputStream()) {
                    out.write("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    c.getInputStream().read(); // until the check closes
                } catch (IOException ignored) {
                    // the check closed first
                }
            });
            server.setDaemon(true);
            server.start();
            RealServer rs = RealServer.builder(new InetSocketAddress(LO, s.getLocalPort())).build();
            VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
            CheckResult r = CheckFactory.http(HttpGet.builder("/").build()).checkFor(vs, rs).check(rs)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(r.healthy()).isFalse();
            assertThat(r.detail()).startsWith("not an HTTP response: ");
            server.join(10_000);
        }
    }

    @Test
    void theHostHeaderOfAnIpv6RealServerIsBracketed() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(v6, 0), 5);
        } catch (IOException noIpv6) {
            Assumptions.abort("no IPv6 loopback: " + noIpv6);
            return;
        }
        List<String> hosts = new CopyOnWriteArrayList<>();
        server.createContext("/", ex -> {
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            reply(ex, 200, "ok");
        });
        server.start();
        try {
            RealServer rs = RealServer.builder(new InetSocketAddress(v6, server.getAddress().getPort())).build();
            VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
            CheckResult r = CheckFactory.http(HttpGet.builder("/").build()).checkFor(vs, rs).check(rs)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(r.healthy()).as(r.detail()).isTrue();
            assertThat(hosts).containsExactly("[0:0:0:0:0:0:0:1]:" + server.getAddress().getPort());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aClosedPortFailsTheCheck() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            port = s.getLocalPort();
        }
        RealServer rs = RealServer.builder(new InetSocketAddress(LO, port)).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
        CheckResult r = CheckFactory.http(HttpGet.builder("/").build()).checkFor(vs, rs).check(rs).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).startsWith("connect to ");
    }

    @Test
    void badSpecificationsAreRejectedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> HttpGet.builder("status"))
                .withMessage("path must start with '/' but was 'status'");
        assertThatIllegalArgumentException().isThrownBy(() -> HttpGet.builder("/").statusCodes("200-99"))
                .withMessageStartingWith("statusCodes must be codes or ranges of 100..599");
        assertThatIllegalArgumentException().isThrownBy(() -> HttpGet.builder("/").digest("abc"))
                .withMessage("digest must be 32 hex digits (an MD5) but was 'abc'");
    }
}
