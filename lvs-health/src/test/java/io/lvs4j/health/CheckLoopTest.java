package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthMonitor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built-in checks are plain values that run on the event loop the open monitors share. */
class CheckLoopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static long healthThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("lvs4j-health")).count();
    }

    private static CheckResult tcpCheck(RealServer rs) throws Exception {
        VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
        return CheckFactory.tcp(TIMEOUT).checkFor(vs, rs).check(rs).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBuiltInCheckAskedOutsideAnyMonitorFailsNamingTheRemedy() {
        RealServer rs = RealServer.of("127.0.0.1", 9);
        VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
        assertThatIllegalStateException().isThrownBy(() -> CheckFactory.tcp(TIMEOUT).checkFor(vs, rs))
                .withMessageContaining("HealthMonitors.create");
    }

    @Test
    void monitorsShareOneLoopThatTheLastCloseReleases() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RealServer rs = RealServer.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    backend.getLocalPort())).build();
            HealthMonitor first = HealthMonitors.create(HealthMonitorConfig.ofDefaults(), CheckFactory.tcp(TIMEOUT));
            HealthMonitor second = HealthMonitors.create(HealthMonitorConfig.ofDefaults(), CheckFactory.tcp(TIMEOUT));
            try {
                assertThat(tcpCheck(rs).healthy()).isTrue();
                assertThat(healthThreads()).as("one loop for both monitors").isEqualTo(1);
                first.close();
                assertThat(tcpCheck(rs).healthy()).as("the second monitor still holds the loop").isTrue();
            } finally {
                first.close();
                second.close();
            }
            RealServer other = RealServer.of("127.0.0.1", 9);
            VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(other).build();
            assertThatIllegalStateException().isThrownBy(() -> CheckFactory.tcp(TIMEOUT).checkFor(vs, other));
            await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads() == 0);
        }
    }
}
