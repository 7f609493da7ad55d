package io.lvs4j.jmh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A measurement, not a JMH benchmark: how long after a master director's process dies ({@code kill -9}) its standby
 * serves the virtual address, for the VRRP-style failover or the ZooKeeper one. Starts a TCP backend (and, for
 * ZooKeeper, a ZooKeeper server with 500 ms ticks) in this process and two {@code lvs4j forward --events} processes on
 * loopback; per run, kills the master, times the standby's {@code serving} event and a client's first successful
 * connect (polled every 5 ms), then starts a new standby. For VRRP it then times graceful resignations too (SIGTERM of
 * the master: from its resignation to the standby serving).
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar io.lvs4j.jmh.FailoverTakeover LVS4J_JAR vrrp|zookeeper
 * [RUNS=10] [ADVERT_OR_SESSION_MS]} (defaults: 100 ms adverts, 6000 ms sessions); see
 * {@code bench/failover-takeover.sh}.
 */
public final class FailoverTakeover {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private FailoverTakeover() {
    }

    /** One {@code lvs4j forward} process and the event lines it prints. */
    private static final class Director {
        final Process process;
        final int failoverPort;
        final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();

        Director(List<String> command, int failoverPort) throws IOException {
            this.failoverPort = failoverPort;
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
                    throw new IllegalStateException("no '" + kind + " " + detailPrefix + "' event within " + timeout);
                }
                if (e[2].equals(kind) && (e.length > 3 ? e[3] : "").startsWith(detailPrefix)) {
                    return Math.round(Double.parseDouble(e[1]) * 1000);
                }
            }
        }
    }

    /** How to start a director of the pair. */
    private interface Launcher {
        Director start(int failoverPort, int peerPort) throws IOException;
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

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, LO)) {
            return s.getLocalPort();
        }
    }

    private static String summary(String what, List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int n = sorted.size();
        return String.format(Locale.ROOT, "%s over %d runs: min %d, median %d, p90 %d, p99 %d, max %d ms", what, n,
                sorted.get(0), sorted.get(n / 2), sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.9) - 1)),
                sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)), sorted.get(n - 1));
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        String mode = args[1];
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        boolean vrrp = mode.equals("vrrp");
        long timing = args.length > 3 ? Long.parseLong(args[3]) : vrrp ? 100 : 6000;
        TestingServer zk = vrrp ? null : new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1,
                Map.of("clientPortAddress", "127.0.0.1")), true);
        Path key = Files.createTempFile("lvs4j-bench", ".key");
        Files.writeString(key, "a-shared-secret-of-32-bytes-long");
        try (ServerSocket backend = new ServerSocket(0, 128, LO)) {
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
            List<String> base = List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar, "forward", "--events", "--threads", "1",
                    "--listen", "127.0.0.1:" + vip, "--real", "127.0.0.1:" + backend.getLocalPort());
            Launcher launcher = (failoverPort, peerPort) -> {
                List<String> c = new ArrayList<>(base);
                if (vrrp) { // equal priorities: a restarted director does not preempt
                    c.addAll(List.of("--failover", "vrrp", "--priority", "100", "--advert", timing + "ms",
                            "--failover-bind", "127.0.0.1:" + failoverPort, "--peer", "127.0.0.1:" + peerPort,
                            "--key-file", key.toString()));
                } else {
                    c.addAll(List.of("--failover", "zookeeper", "--zk", zk.getConnectString(),
                            "--zk-session-timeout", timing + "ms"));
                }
                return new Director(c, failoverPort);
            };
            int portA = freeUdpPort();
            int portB = freeUdpPort();
            Director master = launcher.start(portA, portB);
            master.await("serving", "", Duration.ofSeconds(60));
            Director standby = launcher.start(portB, portA);
            standby.await("role", "BACKUP", Duration.ofSeconds(60));
            List<Long> logged = new ArrayList<>();
            List<Long> seen = new ArrayList<>();
            System.out.printf(Locale.ROOT, "%s, %s %d ms: kill -9 of the master%n", mode,
                    vrrp ? "adverts every" : "session", timing);
            for (int run = 1; run <= runs; run++) {
                Thread.sleep(1000); // the standby settles into its role before the kill
                long killed = nowMicros();
                master.process.destroyForcibly();
                master.process.waitFor(10, TimeUnit.SECONDS);
                long client = -1;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(5000, timing * 3));
                while (System.nanoTime() < deadline) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(LO, vip), 200);
                        client = nowMicros() - killed;
                        break;
                    } catch (IOException e) {
                        Thread.sleep(5); // polling the virtual address as a client would
                    }
                }
                long serving = standby.await("serving", "", Duration.ofSeconds(30)) - killed;
                logged.add(serving / 1000);
                seen.add(client / 1000);
                System.out.printf(Locale.ROOT, "run %2d: standby serving %5d ms after kill -9, a client connects "
                        + "after %5d ms%n", run, serving / 1000, client / 1000);
                Director dead = master;
                master = standby;
                standby = launcher.start(dead.failoverPort, master.failoverPort);
                standby.await("role", "BACKUP", Duration.ofSeconds(60));
            }
            System.out.println(summary("standby serving after kill -9", logged));
            System.out.println(summary("client connects after kill -9", seen));
            if (vrrp) {
                List<Long> resign = new ArrayList<>();
                for (int run = 1; run <= Math.min(runs, 20); run++) {
                    Thread.sleep(1000);
                    // SIGTERM, the director resigns with priority 0; through the handle, because Process.destroy()
                    // also closes our end of its output, and its resignation would go unheard
                    master.process.toHandle().destroy();
                    long resigned = master.await("role", "INIT", Duration.ofSeconds(10));
                    long serving = standby.await("serving", "", Duration.ofSeconds(10)) - resigned;
                    resign.add(serving / 1000);
                    master.process.waitFor(20, TimeUnit.SECONDS);
                    Director gone = master;
                    master = standby;
                    standby = launcher.start(gone.failoverPort, master.failoverPort);
                    standby.await("role", "BACKUP", Duration.ofSeconds(60));
                }
                System.out.println(summary("graceful resignation: standby serving after the master resigned",
                        resign));
            }
            master.process.destroy();
            standby.process.destroy();
        } finally {
            if (zk != null) {
                zk.close();
            }
            Files.deleteIfExists(key);
        }
    }
}
