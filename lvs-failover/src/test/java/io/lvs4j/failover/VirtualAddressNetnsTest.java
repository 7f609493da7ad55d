package io.lvs4j.failover;

import static io.lvs4j.failover.Netns.sh;
import static io.lvs4j.failover.Netns.works;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Role;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Linux takeover for real: two director network namespaces joined by a veth pair; the virtual address moves from
 * one to the other with {@code ip addr} and is announced with gratuitous ARP, which the other namespace learns. Runs
 * when root, iproute2 and arping are present (the test creates and removes its namespaces); skipped with the reason
 * otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualAddressNetnsTest {

    private static final String NS1 = "lvs4j-t1";
    private static final String NS2 = "lvs4j-t2";
    private static final String VIP = "10.77.0.100";
    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    @BeforeEach
    void namespaces() throws Exception {
        removeNamespaces();
        Netns.assumeNamespace(NS1, "arping");
        sh("ip", "netns", "add", NS2);
        sh("ip", "link", "add", "lvs4j-v1", "type", "veth", "peer", "name", "lvs4j-v2");
        sh("ip", "link", "set", "lvs4j-v1", "netns", NS1);
        sh("ip", "link", "set", "lvs4j-v2", "netns", NS2);
        int host = 1;
        for (String[] nd : new String[][] {{NS1, "lvs4j-v1"}, {NS2, "lvs4j-v2"}}) {
            sh("ip", "-n", nd[0], "addr", "add", "10.77.0." + host++ + "/24", "dev", nd[1]);
            sh("ip", "-n", nd[0], "link", "set", nd[1], "up");
            sh("ip", "-n", nd[0], "link", "set", "lo", "up");
            // learn neighbours from gratuitous ARP, as routers and switches on a real LAN do
            sh("ip", "netns", "exec", nd[0], "sysctl", "-qw", "net.ipv4.conf." + nd[1] + ".arp_accept=1");
        }
    }

    @AfterEach
    void removeNamespaces() {
        works("ip", "netns", "del", NS1); // deletes the veth pair with it
        works("ip", "netns", "del", NS2);
    }

    private static String mac(String ns, String dev) throws Exception {
        String out = sh("ip", "-n", ns, "-o", "link", "show", dev);
        int i = out.indexOf("link/ether ");
        return out.substring(i + 11, i + 28);
    }

    private static String neighbour(String ns, String dev) throws Exception {
        return sh("ip", "-n", ns, "neigh", "show", VIP, "dev", dev);
    }

    private static boolean holds(String ns, String dev) throws Exception {
        return sh("ip", "-n", ns, "-o", "addr", "show", "dev", dev).contains(" " + VIP + "/24");
    }

    private static InetSocketAddress udp() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    @Test
    void theVirtualAddressMovesToTheNewMasterAndItsNeighboursLearnItsHardwareAddress() throws Exception {
        InetSocketAddress a = udp();
        InetSocketAddress b = udp();
        VrrpFailover first = VrrpFailover.create(VrrpConfig.builder(77, a).priority(150)
                .advertInterval(Duration.ofMillis(100)).key(1, KEY).peer(b).build());
        VrrpFailover second = VrrpFailover.create(VrrpConfig.builder(77, b).priority(100)
                .advertInterval(Duration.ofMillis(100)).key(1, KEY).peer(a).build());
        List<Registration> attached = new ArrayList<>();
        attached.add(TakeoverActions.attach(first, TakeoverActions.virtualAddress(new TakeoverActions.VirtualAddress(
                InetAddress.getByName(VIP), 24, "lvs4j-v1", 3, Duration.ZERO, Duration.ZERO,
                List.of("ip", "netns", "exec", NS1)))));
        attached.add(TakeoverActions.attach(second, TakeoverActions.virtualAddress(new TakeoverActions.VirtualAddress(
                InetAddress.getByName(VIP), 24, "lvs4j-v2", 3, Duration.ZERO, Duration.ZERO,
                List.of("ip", "netns", "exec", NS2)))));
        try {
            first.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.role() == Role.MASTER && holds(NS1, "lvs4j-v1"));
            second.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> second.role() == Role.BACKUP && !holds(NS2, "lvs4j-v2"));
            String mac1 = mac(NS1, "lvs4j-v1");
            await().atMost(Duration.ofSeconds(5)).until(() -> neighbour(NS2, "lvs4j-v2").contains(mac1));
            // and the holder answers for it: an ARP request from ns2 gets a reply
            sh("ip", "netns", "exec", NS2, "arping", "-q", "-c", "1", "-w", "2", "-I", "lvs4j-v2", VIP);

            first.stop().toCompletableFuture().get(5, TimeUnit.SECONDS); // resigns: the address leaves ns1
            await().atMost(Duration.ofSeconds(10)).until(() -> second.role() == Role.MASTER
                    && holds(NS2, "lvs4j-v2") && !holds(NS1, "lvs4j-v1"));
            String mac2 = mac(NS2, "lvs4j-v2");
            // the gratuitous ARP tells ns1 where the address went
            await().atMost(Duration.ofSeconds(5)).until(() -> neighbour(NS1, "lvs4j-v1").contains(mac2));
            sh("ip", "netns", "exec", NS1, "arping", "-q", "-c", "1", "-w", "2", "-I", "lvs4j-v1", VIP);
        } finally {
            attached.forEach(Registration::close);
            first.close();
            second.close();
        }
    }
}
