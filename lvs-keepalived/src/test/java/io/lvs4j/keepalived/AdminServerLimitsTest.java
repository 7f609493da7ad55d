package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint under attack from a local process without the token: too many connections, a request sent one
 * byte at a time (slowloris), an oversized body, and a call that fails unexpectedly. Each time the endpoint stays
 * bounded, a legitimate caller with the token is still served, nothing leaks and the log is not flooded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminServerLimitsTest {

    private static final int MAX_CONNECTIONS = 8;
    private static final Duration DEADLINE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private LoopbackTest.Echo echo;
    private KeepalivedDirector director;
    private AdminServer server;
    private String token;
    private final AtomicInteger reloads = new AtomicInteger();
    private volatile boolean reloadFails;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService readers = Executors.newCachedThreadPool();
    private final List<Socket> hostile = new ArrayList<>();
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture();
        echo = new LoopbackTest.Echo("A");
        Path conf = dir.resolve("k.conf");
        Files.writeString(conf, "virtual_server 127.0.0.1 " + LoopbackTest.freePort() + " {\n    lb_kind NAT\n"
                + "    real_server 127.0.0.1 " + echo.port() + " {\n    }\n}\n");
        director = new KeepalivedDirector(KeepalivedConfig.load(conf).config(), new KeepalivedDirector.Options(1,
                false));
        director.start().toCompletableFuture().join();
        token = AdminToken.create();
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, token, director,
                new DirectorMetrics(director), () -> {
                    reloads.incrementAndGet();
                    if (reloadFails) {
                        throw new StackOverflowError("deep in the parser");
                    }
                    return "nothing changed";
                }, new AdminServer.Limits(MAX_CONNECTIONS, DEADLINE));
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : hostile) {
            s.close();
        }
        pacer.shutdownNow();
        readers.shutdownNow();
        server.close();
        director.close();
        echo.close();
        log.assertNoLeaks();
        log.close();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        hostile.add(s);
        return s;
    }

    /** Reads until the server closes: what it sent, or the error the read ended with. */
    private CompletableFuture<String> untilClosed(Socket s) {
        return CompletableFuture.supplyAsync(() -> {
            StringBuilder text = new StringBuilder();
            try (InputStream in = s.getInputStream()) {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    text.append((char) b);
                }
                return text.toString();
            } catch (IOException e) {
                return text + "[" + e.getMessage() + "]";
            }
        }, readers);
    }

    /** Sends {@code text} a byte every 200 ms, as a slowloris client does to stay under a per-read timeout. */
    private void dribble(Socket s, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        AtomicInteger next = new AtomicInteger();
        pacer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i < bytes.length) {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(bytes[i]);
                    out.flush();
                } catch (IOException e) {
                    next.set(bytes.length); // cut by the server
                }
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aSlowlorisClientIsCutAtTheRequestDeadlineNotKeptAliveByEachByte() throws Exception {
        Socket s = connect();
        long started = System.nanoTime();
        CompletableFuture<String> answer = untilClosed(s);
        // 20 s of headers at a byte per 200 ms: each read comes well within any per-read timeout
        dribble(s, "GET /status HTTP/1.1\r\n" + "X-Padding: " + "a".repeat(100) + "\r\n\r\n");
        String text = answer.get(10, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(DEADLINE.minusMillis(100), DEADLINE.plusSeconds(2));
        assertThat(text).startsWith("HTTP/1.1 408 Request Timeout").doesNotContain("Exception");
        assertThat(call("GET", "/status").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void connectionsPastTheLimitCloseTheOldestAndALegitimateCallerIsServedAtOnce() throws Exception {
        assertThat(call("GET", "/status").statusCode()).isEqualTo(200); // the client's own descriptors exist now
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        long baseline = openDescriptors();
        int floods = 5 * MAX_CONNECTIONS;
        List<CompletableFuture<String>> cut = new ArrayList<>();
        for (int i = 0; i < floods; i++) {
            Socket s = connect();
            cut.add(untilClosed(s));
            dribble(s, "GET /status HTTP/1.1\r\nHost: x\r\n"); // never finished
        }
        // the oldest were closed to make room: the server holds the limit, each with one descriptor
        for (int i = 0; i < floods - MAX_CONNECTIONS; i++) {
            assertThat(cut.get(i).get(10, TimeUnit.SECONDS)).doesNotContain("200 OK");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == MAX_CONNECTIONS);
        assertThat(openDescriptors() - baseline).isLessThanOrEqualTo(floods + MAX_CONNECTIONS + 2);
        // served at once, well before the deadline would cut the hostile connections
        long started = System.nanoTime();
        HttpResponse<String> legitimate = call("GET", "/status");
        assertThat(legitimate.statusCode()).isEqualTo(200);
        assertThat(legitimate.body()).contains("lvs4j director");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);

        // hostile connections opened without pause, for at most 3 s or 2,000 connections, while a caller keeps calling
        AtomicInteger opened = new AtomicInteger();
        CompletableFuture<Void> attack = CompletableFuture.runAsync(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end && opened.get() < 2_000) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
                    s.getOutputStream().write('G');
                    opened.incrementAndGet();
                } catch (IOException e) {
                    // closed by the server first: the point of the attack
                }
            }
        }, readers);
        for (int i = 0; i < 10; i++) {
            // as curl does: the request follows the connect at once
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
                s.getOutputStream().write(("GET /status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).as("call %d during the flood", i).startsWith("HTTP/1.1 200 OK")
                        .contains("lvs4j director");
            }
            assertThat(server.openConnections()).isLessThanOrEqualTo(MAX_CONNECTIONS);
        }
        assertThat(opened.get()).as("hostile connections during the calls").isPositive();
        attack.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<String> f : cut) {
            assertThat(f.get(10, TimeUnit.SECONDS)).doesNotContain("200 OK");
        }
        for (Socket s : hostile) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> openDescriptors() <= baseline);
        // one WARN about the limit for the whole flood
        assertThat(log.lines(" io.lvs4j.keepalived.AdminServer - ")).hasSize(1);
        assertThat(log.lines("admin endpoint at its limit of " + MAX_CONNECTIONS + " connections")).hasSize(1);
    }

    @Test
    void anOversizedBodyIsRefusedAndTheNextCallerServed() throws Exception {
        Socket s = connect();
        CompletableFuture<String> answer = untilClosed(s);
        OutputStream out = s.getOutputStream();
        out.write(("POST /reload HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 1048576\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[AdminServer.MAX_REQUEST_BODY + 1]);
        out.flush();
        assertThat(answer.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 413");
        assertThat(reloads.get()).isZero();
        Socket headers = connect();
        CompletableFuture<String> tooLong = untilClosed(headers);
        headers.getOutputStream().write(("GET /status HTTP/1.1\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(tooLong.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 431").doesNotContain("Exception")
                .doesNotContain("io.netty");
        assertThat(call("GET", "/status").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnexpectedErrorAnswersAGeneric500AndIsLoggedOnce() throws Exception {
        reloadFails = true;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = call("POST", "/reload");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("internal error: the director logged it\n");
        }
        assertThat(reloads.get()).isEqualTo(20);
        assertThat(log.lines(" io.lvs4j.keepalived.AdminServer - ")).hasSize(1);
        assertThat(log.lines("deep in the parser")).hasSize(1);
        reloadFails = false;
        HttpResponse<String> r = call("POST", "/reload");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("reloaded: nothing changed\n");
    }
}
