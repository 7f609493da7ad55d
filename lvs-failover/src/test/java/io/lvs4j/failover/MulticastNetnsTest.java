package io.lvs4j.failover;

import static io.lvs4j.failover.Netns.sh;
import static io.lvs4j.failover.Netns.works;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adverts over multicast between two directors, each its own process in its own network namespace, joined by a veth
 * pair: one becomes master, and the other takes over when the master is killed. Runs when root and iproute2 are
 * present (the test creates and removes its namespaces); skipped with the reason otherwise.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MulticastNetnsTest {

    private static final String NS1 = "lvs4j-m1";
    private static final String NS2 = "lvs4j-m2";
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void namespaces() throws Exception {
        removeNamespaces();
        Netns.assumeNamespace(NS1);
        sh("ip", "netns", "add", NS2);
        sh("ip", "link", "add", "lvs4j-m1v", "type", "veth", "peer", "name", "lvs4j-m2v");
        sh("ip", "link", "set", "lvs4j-m1v", "netns", NS1);
        sh("ip", "link", "set", "lvs4j-m2v", "netns", NS2);
        sh("ip", "-n", NS1, "addr", "add", "10.79.0.1/24", "dev", "lvs4j-m1v");
        sh("ip", "-n", NS2, "addr", "add", "10.79.0.2/24", "dev", "lvs4j-m2v");
        for (String[] nd : new String[][] {{NS1, "lvs4j-m1v"}, {NS2, "lvs4j-m2v"}}) {
            sh("ip", "-n", nd[0], "link", "set", nd[1], "up");
            sh("ip", "-n", nd[0], "link", "set", "lo", "up");
        }
    }

    @AfterEach
    void removeNamespaces() {
        processes.forEach(Process::destroyForcibly);
        works("ip", "netns", "del", NS1);
        works("ip", "netns", "del", NS2);
    }

    /** Starts a node in {@code ns}; its last printed role lands in {@code role}. */
    private Process node(String ns, String address, String device, int priority, AtomicReference<String> role)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                MulticastNode.class.getName(), address, device, "239.255.18.18", "5418", Integer.toString(priority))
                .redirectErrorStream(true).start();
        processes.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("role ") || line.startsWith("failed ")) {
                        role.set(line); // not the node's log lines
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    @Test
    void twoDirectorsOnAMulticastGroupElectOneMasterAndTheOtherTakesOverWhenItDies() throws Exception {
        AtomicReference<String> first = new AtomicReference<>("");
        AtomicReference<String> second = new AtomicReference<>("");
        Process master = node(NS1, "10.79.0.1", "lvs4j-m1v", 150, first);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.get().equals("role MASTER"));
        node(NS2, "10.79.0.2", "lvs4j-m2v", 100, second);
        // the second hears the first's adverts across the namespaces, so it stays backup
        await().atMost(Duration.ofSeconds(30)).until(() -> second.get().equals("role BACKUP"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> second.get().equals("role BACKUP") && first.get().equals("role MASTER"));
        master.destroyForcibly(); // kill -9
        await().atMost(Duration.ofSeconds(5)).until(() -> second.get().equals("role MASTER"));
    }
}
