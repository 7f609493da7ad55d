package io.lvs4j.jmh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A measurement, not a JMH benchmark: how long after a ZooKeeper-failover master's process dies ({@code kill -9})
 * the standby serves the virtual address. Starts a ZooKeeper server in this process (loopback, 500 ms ticks), a TCP
 * backend, and two {@code lvs4j forward --failover zookeeper --events} processes; then, per run, kills the master,
 * waits for the other to log {@code serving}, measures when a client first connects, and starts a new standby.
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar io.lvs4j.jmh.ZooKeeperTakeover LVS4J_JAR [RUNS=10]
 * [SESSION_MS=6000]}; see {@code bench/zookeeper-takeover.sh}.
 */
public final class ZooKeeperTakeover {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private ZooKeeperTakeover() {
    }

    /** One {@code lvs4j forward} process and the event lines it prints. */
    private static final class Director {
        final Process process;
        final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();

        Director(List<String> command) throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (line.startsWith("event ")) {
                            events.add(line.split(" ", 4));
                        }
                    }
                } catch (IOException e) {
                    // the process died
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /** Waits for an event of {@code kind}; returns its time in microseconds since the epoch. */
        long await(String kind, String detailPrefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String[] e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new IllegalStateException("no '" + kind + "' event within " + timeout);
                }
                if (e[2].equals(kind) && (e.length > 3 ? e[3] : "").startsWith(detailPrefix)) {
                    return Math.round(Double.parseDouble(e[1]) * 1000);
                }
            }
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            return s.getLocalPort();
        }
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        long sessionMs = args.length > 2 ? Long.parseLong(args[2]) : 6000;
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1,
                Map.of("clientPortAddress", "127.0.0.1"));
        try (TestingServer zk = new TestingServer(spec, true); ServerSocket backend = new ServerSocket(0, 128, LO)) {
            Thread answer = new Thread(() -> {
                while (!backend.isClosed()) {
                    try (Socket s = backend.accept(); OutputStream out = s.getOutputStream()) {
                        out.write('x');
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            answer.setDaemon(true);
            answer.start();
            int vip = freePort();
            List<String> command = List.of(Path.java(), "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar, "forward",
                    "--events", "--threads", "1", "--listen", "127.0.0.1:" + vip, "--real",
                    "127.0.0.1:" + backend.getLocalPort(), "--failover", "zookeeper", "--zk", zk.getConnectString(),
                    "--zk-session-timeout", sessionMs + "ms");
            Director master = new Director(command);
            master.await("serving", "", Duration.ofSeconds(60));
            Director standby = new Director(command);
            standby.await("role", "BACKUP", Duration.ofSeconds(60));
            List<Long> logged = new ArrayList<>();
            List<Long> seen = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                Thread.sleep(1000); // let the standby settle into its election before the kill
                long killed = nowMicros();
                master.process.destroyForcibly();
                master.process.waitFor(10, TimeUnit.SECONDS);
                long clientMicros = -1;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sessionMs * 3);
                while (System.nanoTime() < deadline) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(LO, vip), 200);
                        clientMicros = nowMicros() - killed;
                        break;
                    } catch (IOException e) {
                        Thread.sleep(5); // polling the virtual address as a client would
                    }
                }
                long servingMicros = standby.await("serving", "", Duration.ofMillis(sessionMs * 3)) - killed;
                logged.add(servingMicros / 1000);
                seen.add(clientMicros / 1000);
                System.out.printf(Locale.ROOT, "run %2d: standby serving %5d ms after kill -9, a client connects "
                        + "after %5d ms%n", run, servingMicros / 1000, clientMicros / 1000);
                master = standby;
                standby = new Director(command);
                standby.await("role", "BACKUP", Duration.ofSeconds(60));
            }
            master.process.destroy();
            standby.process.destroy();
            Collections.sort(logged);
            Collections.sort(seen);
            System.out.printf(Locale.ROOT, "session %d ms, %d runs: standby serving min %d median %d max %d ms; "
                            + "client min %d median %d max %d ms%n", sessionMs, runs, logged.get(0),
                    logged.get(logged.size() / 2), logged.get(logged.size() - 1), seen.get(0),
                    seen.get(seen.size() / 2), seen.get(seen.size() - 1));
        }
    }

    /** The java executable of this JVM. */
    private static final class Path {
        static String java() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}
