package io.lvs4j.failover.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client {@link ZooKeeperConfig#newClient()} builds. ZooKeeper's client names the server's Kerberos principal
 * before every connection attempt when its SASL is on, and does so by a reverse DNS lookup of the server's address;
 * where the DNS server is unreachable (a network namespace, a container, a DNS outage) that lookup outlasts the
 * connection timeout and the client never connects (bench/fleet-ecmp.sh hung on it). Without a JAAS configuration
 * there is nothing to authenticate with, so the client must not take that path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperConfigTest {

    @Test
    void aClientWithoutJaasConfigurationConnectsWithoutSaslAndSoWithoutAReverseLookupOfTheServer() throws Exception {
        try (TestingServer server = new TestingServer(Zk.spec(), true);
                CuratorFramework client = Zk.client(server.getConnectString())) {
            assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            assertThat(zk.getClientConfig().isSaslClientEnabled()).isFalse();
            // startConnect builds the SASL client (and looks the server's name up for it) only when SASL is on
            await().atMost(Duration.ofSeconds(10)).until(() -> zk.getState().isConnected());
            assertThat(zk.getSaslClient()).isNull();
        }
    }

    @Test
    void saslStaysOnWhenTheOperatorConfiguredJaasOrAskedForIt() {
        assertThat(ZooKeeperConfig.clientConfig(Map.<String, String>of()::get).isSaslClientEnabled())
                .as("nothing configured: off").isFalse();
        assertThat(ZooKeeperConfig.clientConfig(Map.of("java.security.auth.login.config", "/etc/zk-jaas.conf")::get)
                .isSaslClientEnabled()).as("a JAAS file: ZooKeeper's default, on").isTrue();
        assertThat(ZooKeeperConfig.clientConfig(Map.of(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true")::get)
                .isSaslClientEnabled()).as("asked for explicitly").isTrue();
        assertThat(ZooKeeperConfig.clientConfig(Map.of(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false",
                "java.security.auth.login.config", "/etc/zk-jaas.conf")::get).isSaslClientEnabled())
                .as("turned off explicitly, whatever the JAAS file").isFalse();
    }
}
