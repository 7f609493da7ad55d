package io.lvs4j.failover.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real-server registry and active-active membership on a real ZooKeeper, in process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegistryAndMembershipTest {

    private static InetSocketAddress rs(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private static List<InetSocketAddress> addresses(AtomicReference<VirtualService> seen) {
        VirtualService vs = seen.get();
        return vs == null ? List.of() : vs.realServers().stream().map(RealServer::address).toList();
    }

    @Test
    void directorsConvergeOnTheRegisteredRealServersThroughAddsRemovesWeightsAndLostSessions() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true);
                CuratorFramework director = Zk.client(server.getConnectString());
                CuratorFramework agents = Zk.client(server.getConnectString());
                CuratorFramework doomed = Zk.client(server.getConnectString())) {
            VirtualService template = VirtualService.tcp("10.0.0.100", 80).scheduler("mh")
                    .realServer(RealServer.of("10.9.9.9", 80)).build(); // replaced by what is registered
            AtomicReference<VirtualService> seen = new AtomicReference<>();
            try (var watch = RealServerRegistry.create(director).watch("web", template, seen::set)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.get() != null);
                assertThat(seen.get().realServers()).isEmpty();
                assertThat(seen.get().scheduler()).isEqualTo("mh");

                RealServerRegistry agentSide = RealServerRegistry.create(agents);
                RealServerRegistry.Entry b = agentSide.register("web", rs("10.0.0.2", 80), 2);
                RealServerRegistry.Entry a = agentSide.register("web", rs("10.0.0.1", 80), 1);
                RealServerRegistry.Entry v6 = agentSide.register("web", rs("2001:db8::1", 8080), 1);
                RealServerRegistry.create(doomed).register("web", rs("10.0.0.3", 80), 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> addresses(seen).equals(List.of(
                        rs("10.0.0.1", 80), rs("10.0.0.2", 80), rs("10.0.0.3", 80), rs("2001:db8::1", 8080))));
                RealServer liveB = seen.get().realServer(rs("10.0.0.2", 80));
                assertThat(liveB.weight()).isEqualTo(2);

                VirtualService before = seen.get();
                b.setWeight(7);
                await().atMost(Duration.ofSeconds(10)).until(() -> liveB.weight() == 7);
                assertThat(seen.get()).as("a weight change needs no new virtual service").isSameAs(before);

                doomed.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
                doomed.close(); // its agent died: the node goes with its session
                a.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> addresses(seen).equals(List.of(
                        rs("10.0.0.2", 80), rs("2001:db8::1", 8080))));
                assertThat(seen.get().realServer(rs("10.0.0.2", 80))).as("kept across changes").isSameAs(liveB);

                // a node someone wrote by hand, badly: skipped, and the watch goes on
                agents.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath("/services/web/realservers/not-an-address", "weight=1".getBytes(
                                StandardCharsets.US_ASCII));
                agents.create().withMode(CreateMode.EPHEMERAL).forPath("/services/web/realservers/10.0.0.5:80",
                        "weight=lots".getBytes(StandardCharsets.US_ASCII));
                RealServerRegistry.Entry c = agentSide.register("web", rs("10.0.0.4", 80), 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> addresses(seen).equals(List.of(
                        rs("10.0.0.2", 80), rs("10.0.0.4", 80), rs("2001:db8::1", 8080))));
                c.close();
                v6.close();
                b.close();
            }
        }
    }

    @Test
    void registryInputIsCheckedAndParsedStrictly() {
        assertThat(RealServerRegistry.parseAddress("10.0.0.1:80")).isEqualTo(rs("10.0.0.1", 80));
        assertThat(RealServerRegistry.parseAddress("[2001:db8::1]:80")).isEqualTo(rs("2001:db8::1", 80));
        assertThat(RealServerRegistry.parseAddress("2001:db8::1:80")).as("IPv6 needs brackets").isNull();
        assertThat(RealServerRegistry.parseAddress("example.com:80")).as("never a DNS lookup").isNull();
        assertThat(RealServerRegistry.parseAddress("10.0.0.1:0")).isNull();
        assertThat(RealServerRegistry.parseAddress("10.0.0.1:")).isNull();
        assertThat(RealServerRegistry.parseWeight("weight=65535".getBytes(StandardCharsets.US_ASCII))).isEqualTo(65535);
        assertThat(RealServerRegistry.parseWeight("weight=65536".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(RealServerRegistry.parseWeight(new byte[0])).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> RealServerRegistry.folder("web/x"))
                .withMessage("service must be letters, digits, '.', '_' or '-' but was 'web/x'");
    }

    @Test
    void everyDirectorSeesTheLiveSet() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true);
                CuratorFramework c1 = Zk.client(server.getConnectString());
                CuratorFramework c2 = Zk.client(server.getConnectString());
                CuratorFramework c3 = Zk.client(server.getConnectString())) {
            try (ZooKeeperMembership m1 = ZooKeeperMembership.join(c1, "edge", "d1");
                    ZooKeeperMembership m2 = ZooKeeperMembership.join(c2, "edge", "d2")) {
                AtomicReference<SortedSet<String>> heard = new AtomicReference<>();
                m1.onChange(heard::set);
                ZooKeeperMembership m3 = ZooKeeperMembership.join(c3, "edge", "d3");
                await().atMost(Duration.ofSeconds(10)).until(() -> m1.members().size() == 3
                        && m2.members().size() == 3 && m3.members().size() == 3);
                assertThat(m2.members()).containsExactly("d1", "d2", "d3");
                assertThat(heard.get()).containsExactly("d1", "d2", "d3");
                m3.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> m1.members().size() == 2
                        && m2.members().size() == 2);
                assertThat(m1.members()).containsExactly("d1", "d2");
            }
        }
    }

    @Test
    void anObserverSeesTheLiveSetWithoutJoiningIt() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true);
                CuratorFramework c1 = Zk.client(server.getConnectString());
                CuratorFramework c2 = Zk.client(server.getConnectString());
                CuratorFramework watcher = Zk.client(server.getConnectString())) {
            try (ZooKeeperMembership observer = ZooKeeperMembership.observe(watcher, "edge");
                    ZooKeeperMembership m1 = ZooKeeperMembership.join(c1, "edge", "d1")) {
                ZooKeeperMembership m2 = ZooKeeperMembership.join(c2, "edge", "d2");
                await().atMost(Duration.ofSeconds(10)).until(() -> observer.members().size() == 2
                        && m1.members().size() == 2);
                assertThat(observer.id()).isEmpty();
                assertThat(m1.members()).as("the observer is no member").containsExactly("d1", "d2");
                c2.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
                m2.close(); // d2 died: its node goes with its session
                await().atMost(Duration.ofSeconds(10)).until(() -> observer.members().size() == 1);
                assertThat(observer.members()).containsExactly("d1");
            }
        }
    }
}
