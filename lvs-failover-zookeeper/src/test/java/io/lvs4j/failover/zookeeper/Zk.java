package io.lvs4j.failover.zookeeper;

import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;

/** Test helpers: ZooKeeper servers on loopback with a short tick, and clients with short sessions. */
final class Zk {

    /** 100 ms ticks: sessions of 200 ms .. 2 s are allowed. */
    static final int TICK_MILLIS = 100;
    static final Duration SESSION = Duration.ofMillis(1000);

    private Zk() {
    }

    static InstanceSpec spec() {
        return new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1,
                Map.of("clientPortAddress", "127.0.0.1"));
    }

    static ZooKeeperConfig config(String connectString) {
        return ZooKeeperConfig.builder(connectString).namespace("lvs4j-test").sessionTimeout(SESSION)
                .connectionTimeout(Duration.ofMillis(500))
                .retry(Duration.ofMillis(20), Duration.ofMillis(200), 29).build();
    }

    static CuratorFramework client(String connectString) {
        CuratorFramework c = config(connectString).newClient();
        c.start();
        return c;
    }
}
