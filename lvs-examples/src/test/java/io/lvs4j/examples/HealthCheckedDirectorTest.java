package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import io.lvs4j.failover.zookeeper.ZooKeeperFailover;
import io.lvs4j.forward.Director;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.CheckTimer;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import io.lvs4j.health.OutlierDetection;
import io.lvs4j.health.OutlierDetectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forwarding engine and the health monitor wired together, as an operator's director runs them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthCheckedDirectorTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** A one-byte server: answers each connection with {@code name} and closes. */
    private ServerSocket serve(int port, char name) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(LO, port), 100);
        pool.execute(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write(name);
                } catch (IOException e) {
                    return;
                }
            }
        });
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            return s.getLocalPort();
        }
    }

    private static int ask(VirtualService vs) throws IOException {
        return ask(vs, LO);
    }

    /** Asks from a given loopback address (127.0.0.0/8 is all local), as another client would. */
    private static int ask(VirtualService vs, InetAddress from) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(vs.address(), 2000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            return in.read();
        }
    }

    @Test
    void aFailedRealServerLeavesThePoolAndTheSorryServerTakesOverWhenNoneIsLeft() throws Exception {
        int portA = freePort();
        int portB = freePort();
        ServerSocket a = serve(portA, 'a');
        ServerSocket b = serve(portB, 'b');
        ServerSocket sorry = serve(0, 's');
        RealServer ra = RealServer.builder(new InetSocketAddress(LO, portA)).build();
        RealServer rb = RealServer.builder(new InetSocketAddress(LO, portB)).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", freePort()).scheduler("rr").realServer(ra).realServer(rb)
                .sorryServer(new InetSocketAddress(LO, sorry.getLocalPort())).build();
        try (HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.builder()
                        .delayLoop(Duration.ofMillis(100)).retry(0).fall(1).rise(1).warmup(Duration.ZERO).build(),
                CheckFactory.tcp(Duration.ofMillis(500)));
             Director director = Director.builder().virtualService(vs).healthMonitor(monitor).maxRedispatch(0)
                     .ioThreads(1).build()) {
            director.start().toCompletableFuture().join();
            assertThat(ask(vs)).isIn((int) 'a', (int) 'b');

            b.close(); // b refuses connections from now on
            await().atMost(Duration.ofSeconds(5)).until(() -> rb.state() == RealServerState.DOWN);
            for (int i = 0; i < 30; i++) { // no redispatch: only the health check keeps clients away from b
                assertThat(ask(vs)).isEqualTo('a');
            }

            a.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> ra.state() == RealServerState.DOWN);
            assertThat(monitor.hasQuorum(vs)).isFalse();
            assertThat(ask(vs)).isEqualTo('s');

            b = serve(portB, 'b');
            await().atMost(Duration.ofSeconds(5)).until(() -> rb.state() == RealServerState.UP);
            assertThat(ask(vs)).isEqualTo('b');
        } finally {
            a.close();
            b.close();
            sorry.close();
        }
    }

    @Test
    void passiveOutlierDetectionEjectsARealServerThatRefusesConnections() throws Exception {
        int portA = freePort();
        int deadPort = freePort(); // nothing listens: every connect is refused
        ServerSocket a = serve(portA, 'a');
        RealServer ra = RealServer.builder(new InetSocketAddress(LO, portA)).build();
        RealServer dead = RealServer.builder(new InetSocketAddress(LO, deadPort)).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", freePort()).scheduler("rr").realServer(ra)
                .realServer(dead).build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        OutlierDetection outliers = OutlierDetection.create(
                OutlierDetectionConfig.builder().consecutiveFailures(3)
                        .baseEjectionTime(Duration.ofMinutes(1)).maxEjectionPercent(50).panicThresholdPercent(0)
                        .build(), CheckTimer.of(timer));
        try (Director director = Director.builder().virtualService(vs).outlierDetector(outliers).ioThreads(1)
                .build()) {
            director.start().toCompletableFuture().join();
            for (int i = 0; i < 10; i++) { // redispatch hides the refusals from clients
                assertThat(ask(vs)).isEqualTo('a');
            }
            assertThat(dead.isEjected()).isTrue();
            assertThat(outliers.ejectionCount(dead)).isEqualTo(1);
            assertThat(dead.state()).isEqualTo(RealServerState.UP); // ejection is not the active health state
        } finally {
            a.close();
            timer.shutdownNow();
        }
    }

    @Test
    void anActiveStandbyPairHandsTheVirtualServiceOverWhenTheMasterStops() throws Exception {
        ServerSocket backend = serve(0, 'x');
        RealServer rs = RealServer.builder(new InetSocketAddress(LO, backend.getLocalPort())).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", freePort()).scheduler("rr").realServer(rs).build();
        byte[] key = "an-active-standby-key-of-32-byte".getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.41"), freePort());
        InetSocketAddress b = new InetSocketAddress(InetAddress.getByName("127.0.0.42"), freePort());
        VrrpFailover fa = VrrpFailover.create(VrrpConfig.builder(7, a).priority(150)
                .advertInterval(Duration.ofMillis(100)).key(1, key).peer(b).build());
        VrrpFailover fb = VrrpFailover.create(VrrpConfig.builder(7, b).priority(100)
                .advertInterval(Duration.ofMillis(100)).key(1, key).peer(a).build());
        Director master = Director.builder().virtualService(vs).failover(fa).ioThreads(1).build();
        Director standby = Director.builder().virtualService(vs).failover(fb).ioThreads(1).build();
        try {
            master.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            standby.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> master.isServing() && !standby.isServing());
            assertThat(ask(vs)).isEqualTo('x');
            master.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS); // resigns
            await().atMost(Duration.ofSeconds(5)).until(standby::isServing);
            assertThat(ask(vs)).isEqualTo('x'); // the same virtual address, now served by the standby
        } finally {
            master.close();
            standby.close();
            backend.close();
        }
    }

    @Test
    void directorsOnAZooKeeperElectionServeOneAtATimeAndHandOverWhenTheMastersSessionDies() throws Exception {
        ServerSocket backend = serve(0, 'z');
        RealServer rs = RealServer.builder(new InetSocketAddress(LO, backend.getLocalPort())).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", freePort()).scheduler("rr").realServer(rs).build();
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true,
                -1, 100, -1, Map.of("clientPortAddress", "127.0.0.1"));
        try (TestingServer zk = new TestingServer(spec, true)) {
            ZooKeeperConfig config = ZooKeeperConfig.builder(zk.getConnectString())
                    .sessionTimeout(Duration.ofSeconds(1)).build();
            CuratorFramework first = config.newClient();
            ZooKeeperFailover fa = ZooKeeperFailover.create(first, "web", "a");
            ZooKeeperFailover fb = ZooKeeperFailover.create(config, "web", "b");
            Director a = Director.builder().virtualService(vs).failover(fa).ioThreads(1).build();
            Director b = Director.builder().virtualService(vs).failover(fb).ioThreads(1).build();
            try {
                a.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(a::isServing);
                b.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                        .until(() -> a.isServing() && !b.isServing());
                assertThat(ask(vs)).isEqualTo('z');
                first.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
                await().atMost(Duration.ofSeconds(10)).until(() -> !a.isServing() && b.isServing());
                assertThat(ask(vs)).isEqualTo('z'); // the same virtual address, now served by b
            } finally {
                a.close();
                b.close();
                first.close();
                backend.close();
            }
        }
    }

    @Test
    void aStandbyThatTakesOverSendsReturningClientsToTheRealServerTheyHad() throws Exception {
        ServerSocket a = serve(0, 'a');
        ServerSocket b = serve(0, 'b');
        RealServer ra = RealServer.builder(new InetSocketAddress(LO, a.getLocalPort())).build();
        RealServer rb = RealServer.builder(new InetSocketAddress(LO, b.getLocalPort())).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", freePort()).scheduler("rr").persistent()
                .realServer(ra).realServer(rb).build();
        byte[] key = "an-active-standby-key-of-32-byte".getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress pa = new InetSocketAddress(LO, freePort());
        InetSocketAddress pb = new InetSocketAddress(LO, freePort());
        VrrpFailover fa = VrrpFailover.create(VrrpConfig.builder(8, pa).priority(150)
                .advertInterval(Duration.ofMillis(100)).key(1, key).peer(pb).build());
        VrrpFailover fb = VrrpFailover.create(VrrpConfig.builder(8, pb).priority(100)
                .advertInterval(Duration.ofMillis(100)).key(1, key).peer(pa).build());
        // the standby's real servers are its own objects, as in another process
        VirtualService standbyVs = VirtualService.tcp("127.0.0.1", vs.address().getPort()).scheduler("rr")
                .persistent().realServer(RealServer.builder(ra.address()).build())
                .realServer(RealServer.builder(rb.address()).build()).build();
        Director master = Director.builder().virtualService(vs).failover(fa).ioThreads(1).build();
        Director standby = Director.builder().virtualService(standbyVs).failover(fb).ioThreads(1).build();
        InetAddress first = InetAddress.getByName("127.0.0.5");
        InetAddress second = InetAddress.getByName("127.0.0.6");
        try {
            master.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(master::isServing);
            standby.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(ask(vs, first)).isEqualTo('a'); // rr: the first client to a, with a template
            assertThat(ask(vs, second)).isEqualTo('b'); // the second to b
            assertThat(ask(vs, second)).as("persistence on the master").isEqualTo('b');
            // the templates reach the standby with the adverts (a full snapshot every 2 s, changes in between)
            await().atMost(Duration.ofSeconds(5)).until(() -> standby.statistics().size() == 1
                    && templates(standby) == 2);
            master.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(standby::isServing);
            // without the templates, the standby's rr would send the second client to a
            assertThat(ask(vs, second)).as("the returning client keeps its real server").isEqualTo('b');
            assertThat(ask(vs, first)).isEqualTo('a');
        } finally {
            master.close();
            standby.close();
            a.close();
            b.close();
        }
    }

    private static long templates(Director d) {
        return d.statistics().get(0).persistenceTemplates();
    }

    private static final int NONE = -1;

    /** The answer the director gives the client at {@code from}, or {@link #NONE} when it has no server for it. */
    private static int askOrNone(VirtualService vs, InetAddress from) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(vs.address(), 2000);
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        } catch (IOException e) {
            return NONE;
        }
    }

    private static InetAddress client(int i) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) (i >> 8), (byte) i});
    }

    /** What {@code reference} picks for each client: the server's letter, or {@link #NONE}. */
    private static Map<InetAddress, Integer> expected(Scheduler reference, VirtualService vs, List<InetAddress> clients,
                                                      Map<Integer, Character> names) {
        Map<InetAddress, Integer> answers = new LinkedHashMap<>();
        for (InetAddress c : clients) {
            RealServer rs = reference.pick(Flow.tcp(new InetSocketAddress(c, 40000), vs.address()));
            answers.put(c, rs == null ? NONE : (int) names.get(rs.address().getPort()));
        }
        return answers;
    }

    private static RealServer copy(RealServer rs) {
        return RealServer.builder(rs.address()).weight(rs.weight()).build();
    }

    /**
     * keepalived's {@code inhibit_on_failure} through a running director: a failed real server keeps its place with
     * weight 0, and the hash schedulers then do what IPVS does with a weight-0 destination ({@code sh}: the table is
     * rebuilt with the server in one bucket, whose flows get no server; {@code mh}: the table keeps the server's
     * entries, whose flows get no server, and no other flow moves). Without it the server goes DOWN, which is IPVS's
     * removal: the table of the others. Expected picks come from a reference scheduler given the kernel's view of the
     * destinations (address copies with the kernel's weights).
     */
    @ParameterizedTest(name = "{0}, inhibit_on_failure {1}")
    @CsvSource({"sh, true", "sh, false", "mh, true", "mh, false"})
    void aFailedServerIsQuiescedWithInhibitOnFailureAndRemovedWithout(String scheduler, boolean inhibit)
            throws Exception {
        ServerSocket a = serve(0, 'a');
        ServerSocket b = serve(0, 'b');
        ServerSocket c = serve(0, 'c');
        Map<Integer, Character> names = Map.of(a.getLocalPort(), 'a', b.getLocalPort(), 'b', c.getLocalPort(), 'c');
        RealServer ra = RealServer.builder(new InetSocketAddress(LO, a.getLocalPort())).weight(3).build();
        RealServer rb = RealServer.builder(new InetSocketAddress(LO, b.getLocalPort())).weight(2).build();
        RealServer rc = RealServer.builder(new InetSocketAddress(LO, c.getLocalPort())).weight(1).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", freePort()).scheduler(scheduler).realServer(ra)
                .realServer(rb).realServer(rc).build();

        // The kernel's view before and after b fails: upd_dest to weight 0, or del_dest.
        List<InetAddress> clients = new ArrayList<>();
        for (int i = 2; i < 42; i++) {
            clients.add(client(i));
        }
        Scheduler reference = Schedulers.create(scheduler);
        List<RealServer> view = new ArrayList<>(List.of(copy(ra), copy(rb), copy(rc)));
        reference.update(view);
        Map<InetAddress, Integer> before = expected(reference, vs, clients, names);
        if (inhibit) {
            view.get(1).setWeight(0);
        } else {
            view.remove(1);
        }
        reference.update(view);
        if (inhibit) { // one more client, whose flow hashes to b's bucket (sh) or entries (mh)
            for (int i = 42; ; i++) {
                InetAddress extra = client(i);
                if (expected(reference, vs, List.of(extra), names).get(extra) == NONE) {
                    clients.add(extra);
                    Scheduler initial = Schedulers.create(scheduler);
                    initial.update(List.of(copy(ra), copy(rb), copy(rc)));
                    before = expected(initial, vs, clients, names);
                    break;
                }
            }
        }
        Map<InetAddress, Integer> after = expected(reference, vs, clients, names);

        try (HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.builder()
                        .delayLoop(Duration.ofMillis(100)).retry(0).fall(1).rise(1).warmup(Duration.ZERO)
                        .inhibitOnFailure(inhibit).build(),
                CheckFactory.tcp(Duration.ofMillis(500)));
             Director director = Director.builder().virtualService(vs).healthMonitor(monitor).maxRedispatch(0)
                     .ioThreads(1).build()) {
            director.start().toCompletableFuture().join();
            Map<InetAddress, Integer> served = new LinkedHashMap<>();
            for (InetAddress from : clients) {
                served.put(from, askOrNone(vs, from));
            }
            assertThat(served).isEqualTo(before);

            b.close(); // b refuses connections and fails its check
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<InetAddress, Integer> now = new LinkedHashMap<>();
                for (InetAddress from : clients) {
                    now.put(from, askOrNone(vs, from));
                }
                assertThat(now).isEqualTo(after);
            });
            if (inhibit) {
                assertThat(rb.state()).isEqualTo(RealServerState.UP);
                assertThat(rb.weight()).isZero();
                assertThat(after).containsValue(NONE); // flows hashed to b's place get no server
            } else {
                assertThat(rb.state()).isEqualTo(RealServerState.DOWN);
                assertThat(after).doesNotContainValue(NONE).doesNotContainValue((int) 'b');
            }
            if (scheduler.equals("mh") && inhibit) { // Maglev: nobody else moves
                for (InetAddress from : clients) {
                    if (before.get(from) != 'b') {
                        assertThat(after.get(from)).isEqualTo(before.get(from));
                    }
                }
            }
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }
}
