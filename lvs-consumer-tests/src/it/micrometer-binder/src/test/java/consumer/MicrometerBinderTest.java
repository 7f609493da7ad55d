package consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.Director;
import io.lvs4j.micrometer.LvsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An application that measures its director with Micrometer: lvs-forward and lvs-micrometer alone. */
@Timeout(60)
class MicrometerBinderTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void countsAConnectionThroughTheBinder() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, LO); ServerSocket probe = new ServerSocket(0, 1, LO)) {
            Thread t = new Thread(() -> {
                try (Socket c = backend.accept()) {
                    c.getOutputStream().write('x');
                } catch (IOException e) {
                    // closed by the test
                }
            }, "real-server");
            t.setDaemon(true);
            t.start();
            int port = probe.getLocalPort();
            probe.close();
            VirtualService web = VirtualService.tcp("127.0.0.1", port)
                    .realServer(RealServer.of("127.0.0.1", backend.getLocalPort())).build();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Director director = Director.builder().virtualService(web).build()) {
                LvsMetrics.director(director).bindTo(registry);
                director.start().toCompletableFuture().join();
                try (Socket s = new Socket()) {
                    s.connect(web.address(), 2000);
                    s.setSoTimeout(5000);
                    assertEquals('x', s.getInputStream().read());
                }
                // one reading of the statistics serves the meters for up to a second
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1.0,
                        registry.get("lvs4j.service.connections").tag("protocol", "TCP").functionCounter().count()));
                director.stop(Duration.ofSeconds(5)).toCompletableFuture().join();
            }
            registry.close();
        }
    }
}
