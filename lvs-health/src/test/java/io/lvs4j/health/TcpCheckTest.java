package io.lvs4j.health;

import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthMonitor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP_CHECK against a real server on loopback that the test starts and stops. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpCheckTest {

    @Test
    void aServerThatStopsListeningGoesDownAndComesBackWhenItListensAgain() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket server = new ServerSocket(0, 50, lo);
        int port = server.getLocalPort();
        RealServer rs = RealServer.builder(new InetSocketAddress(lo, port)).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
        try (HealthMonitor m = HealthMonitors.create(HealthMonitorConfig.builder().delayLoop(Duration.ofMillis(50))
                .retry(0).fall(2).rise(2).warmup(Duration.ZERO).build(), CheckFactory.tcp(Duration.ofMillis(500)))) {
            m.watch(vs);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> rs.state() == RealServerState.UP);
            server.close(); // connections are refused now
            await().atMost(Duration.ofSeconds(5)).until(() -> rs.state() == RealServerState.DOWN);
            // the quorum follows the state within the same check, just after it: wait for it, do not race it
            await().atMost(Duration.ofSeconds(5)).until(() -> !m.hasQuorum(vs));
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(lo, port), 50);
            await().atMost(Duration.ofSeconds(5)).until(() -> rs.state() == RealServerState.UP);
            await().atMost(Duration.ofSeconds(5)).until(() -> m.hasQuorum(vs));
        } finally {
            server.close();
        }
    }
}
