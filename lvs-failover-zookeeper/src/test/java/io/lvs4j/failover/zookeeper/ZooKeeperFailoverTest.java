package io.lvs4j.failover.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failover on a real ZooKeeper, in process: elections, resignation, lost sessions, cut connections. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ZooKeeperFailoverTest {

    /** A serving interval of one director, in System.nanoTime, with the term's epoch. */
    record Interval(String id, long start, long end, long epoch) {
    }

    /** One director: its client, its failover, and the intervals it served. */
    static final class Node implements AutoCloseable {
        final CuratorFramework client;
        final ZooKeeperFailover failover;
        final List<Interval> served;
        private long since = -1;
        private long epoch;

        Node(String connect, String group, String id, List<Interval> served) {
            this(Zk.client(connect), group, id, served);
        }

        Node(CuratorFramework client, String group, String id, List<Interval> served) {
            this.client = client;
            this.failover = ZooKeeperFailover.create(client, group, id);
            this.served = served;
            failover.onRoleChange(this::record);
            failover.start().toCompletableFuture().join();
        }

        private synchronized void record(RoleChange change) {
            long now = System.nanoTime();
            if (change.current() == Role.MASTER) {
                since = now;
                epoch = change.epoch();
            } else if (change.previous() == Role.MASTER) {
                served.add(new Interval(failover.id(), since, now, epoch));
                since = -1;
            }
        }

        boolean master() {
            return failover.role() == Role.MASTER;
        }

        /**
         * The client learns that its session expired, as it would after a pause longer than the session timeout; the
         * ensemble still holds the session (and the election node) until it times out there.
         *
         * <p>Injected from the client's own event thread: injectSessionExpiration() queues the expiry event before it
         * marks the handle closed, so called from another thread, the event thread can hand the expiry to Curator
         * first, and Curator's reset then closes the still-open handle cleanly, which deletes the election node on
         * the ensemble before any listener has heard of the expiry (a resignation nobody announced, not an expiry).
         */
        void expireSession() throws Exception {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            CompletableFuture<Void> injected = new CompletableFuture<>();
            zk.exists("/", false, (rc, path, ctx, stat) -> {
                zk.getTestable().injectSessionExpiration(); // on the event thread: it handles the expiry after this
                injected.complete(null);
            }, null);
            injected.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            failover.close();
            synchronized (this) {
                since = -1;
            }
            client.close();
        }
    }

    private static List<Node> masters(List<Node> nodes) {
        return nodes.stream().filter(Node::master).toList();
    }

    private static void assertNoOverlap(List<Interval> served) {
        List<Interval> sorted = new ArrayList<>(served);
        sorted.sort(Comparator.comparingLong(Interval::start));
        for (int i = 1; i < sorted.size(); i++) {
            Interval before = sorted.get(i - 1);
            Interval after = sorted.get(i);
            assertThat(after.start()).as("%s began serving before %s stopped", after, before)
                    .isGreaterThanOrEqualTo(before.end());
            assertThat(after.epoch() > before.epoch()
                    || after.epoch() == before.epoch() && after.id().equals(before.id()))
                    .as("epochs grow from term to term; only the same director resumes its own term: %s then %s",
                            before, after).isTrue();
        }
    }

    @Test
    void oneOfThreeServesAndAResignationHandsOverToANewerEpoch() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true)) {
            List<Interval> served = new CopyOnWriteArrayList<>();
            List<Node> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    nodes.add(new Node(server.getConnectString(), "web", "d" + i, served));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> masters(nodes).size() == 1);
                Node first = masters(nodes).get(0);
                long firstEpoch = first.failover.epoch();
                assertThat(firstEpoch).isPositive().isEqualTo(first.failover.epoch());
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                        .until(() -> masters(nodes).size() == 1 && first.master());
                first.close();
                nodes.remove(first);
                assertThat(first.failover.role()).isEqualTo(Role.INIT);
                await().atMost(Duration.ofSeconds(10)).until(() -> masters(nodes).size() == 1);
                assertThat(masters(nodes).get(0).failover.epoch()).isGreaterThan(firstEpoch);
            } finally {
                nodes.forEach(Node::close);
            }
            assertNoOverlap(served);
        }
    }

    @Test
    void closeKeepsTheCallersInterruptAndStopsTheFailoverAnyway() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true)) {
            List<Interval> served = new CopyOnWriteArrayList<>();
            try (Node node = new Node(server.getConnectString(), "web", "d0", served)) {
                await().atMost(Duration.ofSeconds(10)).until(node::master);
                Thread.currentThread().interrupt();
                long t0 = System.nanoTime();
                node.failover.close();
                boolean interrupted = Thread.interrupted(); // clears it for the rest of the test
                assertThat(interrupted).as("an interrupt while close() waits stays set").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(ZooKeeperFailover.CLOSE_TIMEOUT);
                node.failover.close(); // waits this time, and closing twice is harmless
                assertThat(node.failover.role()).isEqualTo(Role.INIT);
            }
        }
    }

    @Test
    void aHundredForcedElectionsNeverHaveTwoDirectorsServingAtOnce() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true)) {
            List<Interval> served = new CopyOnWriteArrayList<>();
            List<Node> nodes = new ArrayList<>();
            int next = 0;
            try {
                for (; next < 3; next++) {
                    nodes.add(new Node(server.getConnectString(), "web", "d" + next, served));
                }
                for (int election = 0; election < 100; election++) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> masters(nodes).size() == 1);
                    Node master = masters(nodes).get(0);
                    long epoch = master.failover.epoch();
                    if (election % 10 == 9) {
                        master.expireSession(); // its session dies: it must stop at once, another wins later
                    } else {
                        master.close(); // resigns: hands over at once
                        nodes.remove(master);
                        nodes.add(new Node(server.getConnectString(), "web", "d" + next++, served));
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> masters(nodes).size() == 1
                            && masters(nodes).get(0).failover.epoch() > epoch);
                }
            } finally {
                nodes.forEach(Node::close);
            }
            assertThat(served).hasSizeGreaterThanOrEqualTo(100);
            assertNoOverlap(served);
        }
    }

    @Test
    void aMasterWhoseSessionExpiredStepsDownBeforeItsClientGivesUpItsElectionNode() throws Exception {
        // 500 ms ticks allow a 10 s session: the ensemble keeps the expired master's election node that long, so
        // only the master's own client (Curator's latch, once reconnected) can remove it sooner
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1,
                Map.of("clientPortAddress", "127.0.0.1"));
        try (TestingServer server = new TestingServer(spec, true)) {
            List<Interval> served = new CopyOnWriteArrayList<>();
            List<Node> nodes = new ArrayList<>();
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try {
                Node first = new Node(server.getConnectString(), "web", "d1", served);
                nodes.add(first);
                await().atMost(Duration.ofSeconds(10)).until(first::master);
                CuratorFramework longSession = ZooKeeperConfig.builder(server.getConnectString())
                        .namespace("lvs4j-test").sessionTimeout(Duration.ofSeconds(10))
                        .connectionTimeout(Duration.ofMillis(500))
                        .retry(Duration.ofMillis(20), Duration.ofMillis(200), 29).build().newClient();
                longSession.start();
                Node slow = new Node(longSession, "web", "d0", served);
                nodes.add(slow);
                // the latch makes its election node once connected, after start() returned: d0's must come before
                // d2's, or d2 would be next in line
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> longSession.getChildren().forPath("/groups/web/leader").size() == 2);
                Node next = new Node(server.getConnectString(), "web", "d2", served);
                nodes.add(next);
                // a role listener of d0 that is still busy when the expiry comes (a director binding its addresses)
                slow.failover.onRoleChange(change -> {
                    if (change.current() == Role.MASTER) {
                        busy.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                first.close();
                nodes.remove(first);
                assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
                slow.expireSession();
                await("d2 stays backup while d0, expired, has not stepped down").during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5)).until(() -> !next.master());
                release.countDown();
                await().atMost(Duration.ofSeconds(20)).until(() -> next.master() && !slow.master());
            } finally {
                release.countDown();
                nodes.forEach(Node::close);
            }
            assertNoOverlap(served);
        }
    }

    @Test
    void directorsCutOffFromTheEnsembleStopServingAndOneServesAgainAfterIt() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true)) {
            List<Interval> served = new CopyOnWriteArrayList<>();
            List<Node> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    nodes.add(new Node(server.getConnectString(), "web", "d" + i, served));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> masters(nodes).size() == 1);
                server.stop();
                await().atMost(Duration.ofSeconds(5)).until(() -> masters(nodes).isEmpty());
                server.restart();
                await().atMost(Duration.ofSeconds(20)).until(() -> masters(nodes).size() == 1);
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                        .until(() -> masters(nodes).size() == 1);
            } finally {
                nodes.forEach(Node::close);
            }
            assertNoOverlap(served);
        }
    }

    @Test
    void losingItsEnsembleMemberMovesTheMasterToAnotherServerWithoutOverlap() throws Exception {
        List<InstanceSpec> specs = List.of(Zk.spec(), Zk.spec(), Zk.spec());
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            List<Interval> served = new CopyOnWriteArrayList<>();
            List<Node> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    nodes.add(new Node(cluster.getConnectString(), "web", "d" + i, served));
                }
                for (int round = 0; round < 3; round++) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> masters(nodes).size() == 1);
                    Node master = masters(nodes).get(0);
                    InstanceSpec its = cluster.findConnectionInstance(master.client.getZookeeperClient()
                            .getZooKeeper());
                    cluster.killServer(its);
                    await().atMost(Duration.ofSeconds(20)).until(() -> masters(nodes).size() == 1);
                    cluster.restartServer(its);
                }
            } finally {
                nodes.forEach(Node::close);
            }
            assertNoOverlap(served);
        }
    }

    @Test
    void namesAreCheckedBeforeAnythingConnects() {
        ZooKeeperConfig config = ZooKeeperConfig.builder("127.0.0.1:1").build();
        assertThatIllegalArgumentException().isThrownBy(() -> ZooKeeperFailover.create(config, "a/b", "d1"))
                .withMessage("group must be letters, digits, '.', '_' or '-' but was 'a/b'");
        assertThatIllegalArgumentException().isThrownBy(() -> ZooKeeperConfig.builder("zk:2181")
                .sessionTimeout(Duration.ofMillis(10))).withMessage("sessionTimeout must be >= 100 ms but was 10 ms");
        assertThat(ZooKeeperFailover.sequence("/groups/web/leader/_c_1234-latch-0000000042")).isEqualTo(43);
    }
}
