package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Flow;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.failover.zookeeper.RealServerRegistry;
import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Active-active directors: three directors learn the real servers from the ZooKeeper registry (registered in an
 * order of their own), each builds its own Maglev ({@code mh}) scheduler, and every flow maps to the same real server
 * whichever director receives it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MaglevAgreementTest {

    @Test
    void threeDirectorsMapEachOf100000FlowsToTheSameRealServer() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 100, -1,
                Map.of("clientPortAddress", "127.0.0.1"));
        try (TestingServer server = new TestingServer(spec, true)) {
            ZooKeeperConfig config = ZooKeeperConfig.builder(server.getConnectString()).namespace("maglev-test")
                    .sessionTimeout(Duration.ofSeconds(2)).build();
            List<CuratorFramework> clients = new ArrayList<>();
            List<AtomicReference<VirtualService>> views = new ArrayList<>();
            List<AutoCloseable> open = new ArrayList<>();
            try {
                VirtualService template = VirtualService.tcp("10.0.0.100", 80).scheduler("mh").build();
                for (int d = 0; d < 3; d++) {
                    CuratorFramework c = config.newClient();
                    c.start();
                    clients.add(c);
                    AtomicReference<VirtualService> view = new AtomicReference<>();
                    views.add(view);
                    open.add(RealServerRegistry.create(c).watch("web", template, view::set));
                }
                // 20 real servers with mixed weights, registered by agents in a shuffled order
                List<Integer> order = new ArrayList<>();
                for (int i = 1; i <= 20; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(7));
                CuratorFramework agents = config.newClient();
                agents.start();
                clients.add(agents);
                RealServerRegistry registry = RealServerRegistry.create(agents);
                for (int i : order) {
                    open.add(registry.register("web", new InetSocketAddress("10.1.0." + i, 8080), 1 + i % 3));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> views.stream()
                        .allMatch(v -> v.get() != null && v.get().realServers().size() == 20));

                List<Scheduler> schedulers = new ArrayList<>();
                for (AtomicReference<VirtualService> v : views) {
                    Scheduler s = Schedulers.create("mh", SchedulerConfig.ofDefaults());
                    s.update(v.get().realServers());
                    schedulers.add(s);
                }
                SplittableRandom random = new SplittableRandom(42);
                InetAddress vip = InetAddress.getByName("10.0.0.100");
                int[] perServer = new int[256];
                for (int i = 0; i < 100_000; i++) {
                    byte[] client = {(byte) 172, (byte) 16, (byte) random.nextInt(256), (byte) random.nextInt(256)};
                    Flow flow = Flow.of(Protocol.TCP, new InetSocketAddress(InetAddress.getByAddress(client),
                            1024 + random.nextInt(60000)), new InetSocketAddress(vip, 80));
                    RealServer first = schedulers.get(0).pick(flow);
                    assertThat(first).isNotNull();
                    for (Scheduler s : schedulers.subList(1, 3)) {
                        assertThat(s.pick(flow).address()).as("flow %d", i).isEqualTo(first.address());
                    }
                    perServer[first.address().getAddress().getAddress()[3] & 0xff]++;
                }
                for (int i = 1; i <= 20; i++) {
                    assertThat(perServer[i]).as("10.1.0.%d gets flows", i).isPositive();
                }
            } finally {
                for (AutoCloseable c : open) {
                    c.close();
                }
                clients.forEach(CuratorFramework::close);
            }
        }
    }
}
