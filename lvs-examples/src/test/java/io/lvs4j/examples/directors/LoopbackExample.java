package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.RealServerState;
import io.lvs4j.examples.demo.DemoRealServer;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.ServiceStatistics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the tests of the example directors share: the demo's HTTP real servers on loopback, an HTTP client that can
 * choose its source address (a director schedules by it), free ports, and closing everything a test opened, last
 * first. Every test is bounded, and fails on a leaked Netty buffer.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(NoBufferLeaks.class)
abstract class LoopbackExample {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** Closes {@code c} after the test. */
    <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    /** Closes {@code c} now instead of after the test (the demo's servers must not be closed twice). */
    void closeNow(AutoCloseable c) throws Exception {
        assertThat(closing.remove(c)).as("%s was to be closed after the test", c).isTrue();
        c.close();
    }

    /** A free TCP port on 127.0.0.1 (bound and released). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** A demo HTTP real server on {@code port} (0: any) answering {@code served by NAME}, closed after the test. */
    DemoRealServer http(String name, int port) throws InterruptedException {
        return closing(DemoRealServer.start(name, new InetSocketAddress(LOOPBACK, port), 4, Duration.ZERO, 64,
                DemoRealServer.Overflow.REJECT));
    }

    /** {@code GET /} on a new connection from {@code from}; the body, stripped ({@code served by NAME}). */
    static String get(InetSocketAddress target, InetAddress from) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(target, 2000);
            return get(s, false);
        }
    }

    /** {@code GET /} on a new connection from 127.0.0.1. */
    static String get(InetSocketAddress target) throws IOException {
        return get(target, LOOPBACK);
    }

    /** How many of {@code n} requests, each on a new connection, each real server answered. */
    static Map<String, Integer> served(InetSocketAddress target, int n) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(get(target), 1, Integer::sum);
        }
        return counts;
    }

    /** {@code GET /} on an open connection, keeping it open if {@code keepAlive}; the body, stripped. */
    static String get(Socket s, boolean keepAlive) throws IOException {
        s.setSoTimeout(5000); // a request that reaches a server that never answers fails the test, not hangs it
        s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: example\r\nConnection: "
                + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String status = line(in);
        assertThat(status).startsWith("HTTP/1.1 200");
        int length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        assertThat(length).as("content-length").isNotNegative();
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII).strip();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the middle of a response");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** The health state of the real server at {@code port} in the director's only virtual service. */
    static RealServerState state(Director director, int port) {
        ServiceStatistics service = director.statistics().get(0);
        return service.realServers().stream().filter(r -> r.address().getPort() == port).findFirst()
                .orElseThrow().state();
    }
}
