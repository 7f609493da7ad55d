package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.forward.UdpForwardingTest.UdpEcho;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A director whose limits are set above what its descriptors allow, run in a child JVM under {@code ulimit -n 256}
 * (the only honest way to run out of descriptors: a JVM cannot lower its own limit): the accept loop backs off
 * instead of spinning, failures are counted and logged once, nothing is black-holed, and it serves again once
 * descriptors are free.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {

    private static final int ULIMIT = 256;

    /** The child JVM and what it printed. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final PrintWriter in;
        final List<String> err = new CopyOnWriteArrayList<>();

        Child(String... args) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            StringBuilder cmd = new StringBuilder("ulimit -n " + ULIMIT + " && exec '" + java + "' -Xmx128m")
                    .append(" -Dio.netty.leakDetection.level=paranoid -Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            String transport = System.getProperty("lvs4j.transport.auto");
            if (transport != null && !transport.isEmpty()) {
                cmd.append(" -Dlvs4j.transport.auto=").append(transport);
            }
            cmd.append(" -cp '").append(System.getProperty("java.class.path")).append("' ")
                    .append(LowDescriptorDirector.class.getName());
            for (String a : args) {
                cmd.append(' ').append(a);
            }
            process = new ProcessBuilder("bash", "-c", cmd.toString()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        err.add(line);
                    }
                } catch (IOException e) {
                    // the child ended
                }
            }, "child-stderr");
            t.setDaemon(true);
            t.start();
            String first = out.readLine();
            assertThat(first).as("child stderr: %s", err).isEqualTo("ready");
        }

        /** TCP connections, TCP accept failures, UDP flows, UDP drops, UDP evictions, open descriptors. */
        long[] stats() throws IOException {
            in.println("stats");
            String line = out.readLine();
            assertThat(line).as("child stderr: %s", err).startsWith("stats ");
            String[] f = line.substring(6).split(" ");
            long[] v = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = Long.parseLong(f[i]);
            }
            return v;
        }

        long cpuNanos() {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        long lines(String containing) {
            return err.stream().filter(l -> l.contains(containing)).count();
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                in.println("stop");
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void outOfDescriptorsTheDirectorBacksOffCountsOnceAndServesAgain() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd"))
                && Files.isExecutable(Path.of("/bin/bash")), "needs Linux's /proc and bash (ulimit)");
        List<Socket> clients = new ArrayList<>();
        try (Backends.Server echo = Backends.echo(); UdpEcho udpEcho = new UdpEcho("e")) {
            InetSocketAddress tcp = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
            InetSocketAddress udp = new InetSocketAddress(Backends.LOOPBACK, UdpFlowLimitTest.freeUdpPort());
            Child child = new Child(Integer.toString(tcp.getPort()), Integer.toString(echo.address().getPort()),
                    Integer.toString(udp.getPort()), Integer.toString(udpEcho.address().getPort()));
            try {
                // one of each first: the test's classes load from files (in production from jars kept open), which
                // takes descriptors too
                try (Socket s = new Socket(); DatagramSocket c = new DatagramSocket(
                        new InetSocketAddress(Backends.LOOPBACK, 0))) {
                    s.connect(tcp, 5000);
                    s.setSoTimeout(5000);
                    s.getOutputStream().write('w');
                    assertThat(s.getInputStream().read()).isEqualTo('w');
                    assertThat(UdpFlowLimitTest.ask(c, udp, "w", 3)).isEqualTo("e:w");
                }
                // TCP: each proxied connection takes two descriptors; 200 of them cannot fit in 256
                try {
                    for (int i = 0; i < 200; i++) {
                        Socket s = new Socket();
                        clients.add(s);
                        s.connect(tcp, 5000); // the kernel's backlog completes the handshake
                        s.getOutputStream().write('x');
                    }
                    await().atMost(Duration.ofSeconds(20)).until(() -> child.stats()[1] > 0);
                    long[] settling = child.stats(); // the child JVM's start-up compilation settles meanwhile
                    await().atMost(Duration.ofSeconds(20)).until(() -> child.stats()[1] >= settling[1] + 3);
                    long[] before = child.stats();
                    long cpuBefore = child.cpuNanos();
                    long started = System.nanoTime();
                    // time passes with the accept loop out of descriptors: it backs off rather than spins
                    await().atMost(Duration.ofSeconds(20)).until(() -> child.stats()[1] >= before[1] + 3);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    long[] after = child.stats();
                    assertThat((child.cpuNanos() - cpuBefore) / 1e9 / seconds).as("CPU share while out of descriptors; stats %s %s, stderr %s",
                            Arrays.toString(before), Arrays.toString(after), child.err)
                            .isLessThan(0.5);
                    assertThat((after[1] - before[1]) / seconds).as("failed accepts per second").isLessThan(50);
                    assertThat(after[5]).isLessThanOrEqualTo(ULIMIT);
                } finally {
                    for (Socket s : clients) {
                        s.close();
                    }
                }
                // descriptors free again: a new client is served
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(tcp, 2000);
                        s.setSoTimeout(2000);
                        s.getOutputStream().write('y');
                        assertThat(s.getInputStream().read()).isEqualTo('y');
                    }
                });
                await().atMost(Duration.ofSeconds(20)).until(() -> child.stats()[0] == 0);

                // UDP: more one-datagram flows than descriptors; a new client is still served
                UdpFlowLimitTest.flood(udp, 600, new AtomicBoolean());
                try (DatagramSocket client = new DatagramSocket(
                        new InetSocketAddress(Backends.LOOPBACK, 0))) {
                    assertThat(UdpFlowLimitTest.ask(client, udp, "fresh", 5)).isEqualTo("e:fresh");
                }
                long[] udpStats = child.stats();
                assertThat(udpStats[2]).isLessThan(ULIMIT);
                assertThat(udpStats[4] + udpStats[3]).as("flows evicted or datagrams dropped for descriptors")
                        .isPositive();
                assertThat(udpStats[5]).isLessThanOrEqualTo(ULIMIT);
            } finally {
                child.close();
            }
            // what the child logged is complete once it has exited
            assertThat(child.process.exitValue()).as("child stderr: %s", child.err).isZero();
            assertThat(child.lines("IllegalStateException")).as("child stderr: %s", child.err).isZero();
            assertThat(child.lines("LEAK")).as("child stderr: %s", child.err).isZero();
            assertThat(child.lines("WARN")).as("child stderr: %s", child.err).isLessThanOrEqualTo(6);
        }
    }
}
