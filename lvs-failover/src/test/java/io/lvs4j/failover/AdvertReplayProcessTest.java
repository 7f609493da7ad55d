package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Black box: two directors ({@link ReplayNode}), each its own JVM, on 127.0.0.1 with equal priorities. The test is a
 * keyless attacker on the path: its tap, listed as a peer, captures the master's adverts, and it replays them unchanged
 * from fresh source ports of the same address to both nodes for 3 s. The master must serve the whole time and the
 * backup never; no role line may change.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdvertReplayProcessTest {

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            try {
                p.getOutputStream().close(); // the node resigns and exits
            } catch (IOException e) {
                // already gone
            }
        }
        for (Process p : processes) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort(InetAddress ip) throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            return s.getLocalPort();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Starts a node; every line it prints is appended to {@code lines}. */
    private Process node(int port, int peer, int tap, int service, List<String> lines) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ReplayNode.class.getName(), Integer.toString(port), Integer.toString(peer), Integer.toString(tap),
                "100", Integer.toString(service)).redirectErrorStream(true).start();
        processes.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static String last(List<String> lines) {
        List<String> roles = lines.stream().filter(l -> l.startsWith("role ")).toList();
        return roles.isEmpty() ? "" : roles.get(roles.size() - 1);
    }

    private static boolean serves(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).equals("served\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void replayedAdvertsFromFreshPortsNeverMoveMastership() throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket tap = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            tap.setSoTimeout(5000);
            int tapPort = tap.getLocalPort();
            int pa = freePort(ip);
            int pb = freePort(ip);
            int sa = freeTcpPort();
            int sb = freeTcpPort();
            List<String> la = new CopyOnWriteArrayList<>();
            List<String> lb = new CopyOnWriteArrayList<>();
            // one after the other, so that the second hears a master and stays backup (started together, both
            // would be master for a moment before the tie-break)
            Process master = node(pa, pb, tapPort, sa, la);
            await().atMost(Duration.ofSeconds(30)).until(() -> last(la).equals("role MASTER"));
            Process backup = node(pb, pa, tapPort, sb, lb);
            await().atMost(Duration.ofSeconds(30)).until(() -> last(lb).equals("role BACKUP"));
            int masterPort = pa;
            int masterService = sa;
            int backupService = sb;
            List<String> masterLines = la;
            List<String> backupLines = lb;
            try {
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                        .until(() -> serves(masterService) && !serves(backupService));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("before the replay: master " + masterLines + ", backup " + backupLines
                        + ", master serves " + serves(masterService) + ", backup serves " + serves(backupService), e);
            }
            int masterRoleLines = (int) masterLines.stream().filter(l -> l.startsWith("role ")).count();
            int backupRoleLines = (int) backupLines.stream().filter(l -> l.startsWith("role ")).count();

            InetSocketAddress masterAt = new InetSocketAddress(ip, masterPort);
            List<InetSocketAddress> targets = List.of(new InetSocketAddress(ip, pa), new InetSocketAddress(ip, pb));
            List<byte[]> captured = new ArrayList<>();
            byte[] buf = new byte[65_536];
            List<DatagramSocket> fresh = AdvertReplayTest.socketsAbove(ip, masterPort, 10);
            int servedProbes = 0;
            long replays = 0;
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                int rounds = 0;
                while (System.nanoTime() < end && rounds < 300) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    tap.receive(p); // paced by the master: one round per advert (50 ms)
                    if (p.getSocketAddress().equals(masterAt)) {
                        captured.add(Arrays.copyOf(p.getData(), p.getLength()));
                        if (captured.size() > 5) {
                            captured.remove(0);
                        }
                    }
                    // every captured advert, from a port no node has seen yet, to both nodes
                    DatagramSocket once = new DatagramSocket(new InetSocketAddress(ip, 0));
                    try {
                        for (byte[] advert : captured) {
                            for (InetSocketAddress t : targets) {
                                once.send(new DatagramPacket(advert, advert.length, t));
                                for (DatagramSocket s : fresh) {
                                    s.send(new DatagramPacket(advert, advert.length, t));
                                }
                                replays += 1 + fresh.size();
                            }
                        }
                    } finally {
                        once.close();
                    }
                    rounds++;
                    if (rounds % 5 == 0) {
                        assertThat(serves(masterService)).as("the master serves during the replay, round "
                                + rounds).isTrue();
                        assertThat(serves(backupService)).as("the backup never serves, round " + rounds).isFalse();
                        servedProbes++;
                    }
                }
            } finally {
                fresh.forEach(DatagramSocket::close);
            }
            assertThat(servedProbes).isGreaterThan(5);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> serves(masterService) && !serves(backupService));
            assertThat(masterLines.stream().filter(l -> l.startsWith("role ")).count())
                    .as("the master's role lines: " + masterLines).isEqualTo(masterRoleLines);
            assertThat(backupLines.stream().filter(l -> l.startsWith("role ")).count())
                    .as("the backup's role lines: " + backupLines).isEqualTo(backupRoleLines);
            // each node says what it refused when it stops: the replays, counted as re-sent from elsewhere
            for (Process p : List.of(master, backup)) {
                p.getOutputStream().close();
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            for (List<String> lines : List.of(masterLines, backupLines)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("role INIT")
                        && lines.get(lines.size() - 1).startsWith("rejections "));
            }
            String refusedByMaster = masterLines.get(masterLines.size() - 1);
            String refusedByBackup = backupLines.get(backupLines.size() - 1);
            System.out.println(replays + " replays; master " + refusedByMaster + "; backup " + refusedByBackup);
            assertThat(refusedByMaster).startsWith("rejections ").doesNotContain("IDENTITY_MISMATCH=0,");
            assertThat(refusedByBackup).startsWith("rejections ").doesNotContain("IDENTITY_MISMATCH=0,");
            // and logged it once at WARN, naming the sender, not once per datagram
            for (List<String> lines : List.of(masterLines, backupLines)) {
                assertThat(lines.stream().filter(l -> l.contains("WARN") && l.contains("IDENTITY_MISMATCH")))
                        .as("WARN lines in " + lines).singleElement().asString()
                        .contains("refused a datagram from 127.0.0.1:", "the first of its kind");
            }
        }
    }
}
