package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import io.lvs4j.failover.zookeeper.ZooKeeperMembership;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * The router controller on a real ZooKeeper (in process) with a fake router: it writes exactly the next hops of the
 * live directors, in order, leaves out directors it has no next hop for, withdraws the route when the last one goes,
 * never writes before it has seen a director, and retries a write that failed.
 */
class NexthopGroupControllerTest extends LoopbackExample {

    private final List<List<Integer>> writes = new CopyOnWriteArrayList<>();

    private CuratorFramework client(TestingServer zk) {
        CuratorFramework c = ZooKeeperConfig.builder(zk.getConnectString()).sessionTimeout(Duration.ofSeconds(1))
                .connectionTimeout(Duration.ofMillis(500)).build().newClient();
        c.start();
        return closing(c);
    }

    private TestingServer zooKeeper() throws Exception {
        return closing(new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 100, -1,
                Map.of("clientPortAddress", "127.0.0.1")), true));
    }

    @Test
    void theGroupFollowsTheLiveDirectorsAndTheLastOneLeavingWithdrawsTheRoute() throws Exception {
        TestingServer zk = zooKeeper();
        ZooKeeperMembership d2 = ZooKeeperMembership.join(client(zk), ActiveActiveDirector.SERVICE, "d2");
        CuratorFramework d3client = client(zk);
        ZooKeeperMembership d3 = ZooKeeperMembership.join(d3client, ActiveActiveDirector.SERVICE, "d3");
        await().atMost(Duration.ofSeconds(10)).until(() -> d2.members().size() == 2);
        NexthopGroupController controller = closing(NexthopGroupController.start(client(zk),
                ActiveActiveDirector.SERVICE, Map.of("d1", 1, "d2", 2, "d3", 3), writes::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.applied().equals(List.of(2, 3)));
        assertThat(writes).as("nothing before the first live set, which is written once").containsExactly(
                List.of(2, 3));

        ZooKeeperMembership d1 = ZooKeeperMembership.join(client(zk), ActiveActiveDirector.SERVICE, "d1");
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.applied().equals(List.of(1, 2, 3)));

        // a director the router has no next hop for: left out, and the group is not rewritten for it
        ZooKeeperMembership stranger = ZooKeeperMembership.join(client(zk), ActiveActiveDirector.SERVICE, "d9");
        await().atMost(Duration.ofSeconds(10)).until(() -> d1.members().contains("d9"));
        controller.update();
        assertThat(writes).containsExactly(List.of(2, 3), List.of(1, 2, 3));

        // d3 dies (kill -9): its node goes when its session expires
        d3client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        d3.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.applied().equals(List.of(1, 2)));

        d1.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.applied().equals(List.of(2)));
        d2.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> writes.size() == 5);
        assertThat(writes.get(4)).as("the last known director left: route withdrawn").isEmpty();
        stranger.close();
        assertThat(writes).containsExactly(List.of(2, 3), List.of(1, 2, 3), List.of(1, 2), List.of(2), List.of());
    }

    @Test
    void aFailedWriteIsRetriedAtTheNextChangeAndNeverTakenForApplied() throws Exception {
        TestingServer zk = zooKeeper();
        AtomicBoolean routerDown = new AtomicBoolean(true);
        NexthopGroupController controller = closing(NexthopGroupController.start(client(zk),
                ActiveActiveDirector.SERVICE, Map.of("a", 7, "b", 8), nexthops -> {
                    if (routerDown.get()) {
                        throw new IOException("router unreachable");
                    }
                    writes.add(nexthops);
                }));
        ZooKeeperMembership a = closing(ZooKeeperMembership.join(client(zk), ActiveActiveDirector.SERVICE, "a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.members().contains("a"));
        controller.update();
        assertThat(controller.applied()).isEmpty();
        routerDown.set(false);
        closing(ZooKeeperMembership.join(client(zk), ActiveActiveDirector.SERVICE, "b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.applied().equals(List.of(7, 8)));
        assertThat(writes).containsExactly(List.of(7, 8));
    }

    @Test
    void badNextHopIdsAreRefusedNamingTheDirector() throws Exception {
        CuratorFramework client = client(zooKeeper());
        assertThatIllegalArgumentException().isThrownBy(() -> NexthopGroupController.start(client, "web",
                Map.of("d1", 0), writes::add)).withMessageContaining("director d1");
    }
}
