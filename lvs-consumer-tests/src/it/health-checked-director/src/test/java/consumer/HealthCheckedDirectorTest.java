package consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.forward.Director;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a user of the README builds: a health-checked director from lvs-forward and lvs-health alone. */
@Timeout(60)
class HealthCheckedDirectorTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** A real server that answers every connection with one byte, {@code name}, and closes it. */
    private static ServerSocket realServer(char name) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, LO);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write(name);
                } catch (IOException e) {
                    return;
                }
            }
        }, "real-server-" + name);
        t.setDaemon(true);
        t.start();
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            return s.getLocalPort();
        }
    }

    private static int ask(InetSocketAddress service) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(service, 2000);
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        }
    }

    @Test
    void servesThroughAHealthCheckedDirectorOnNio() throws Exception {
        // No native transport jar on this class path: lvs-forward leaves that choice to the application.
        assertNull(getClass().getClassLoader().getResource("META-INF/native/libnetty_transport_native_io_uring42_x86_64.so"));
        assertFalse(IoUring.isAvailable());
        assertFalse(Epoll.isAvailable());

        try (ServerSocket a = realServer('a'); ServerSocket b = realServer('b')) {
            RealServer ra = RealServer.of("127.0.0.1", a.getLocalPort(), 3);
            RealServer rb = RealServer.of("127.0.0.1", b.getLocalPort(), 1);
            VirtualService web = VirtualService.tcp("127.0.0.1", freePort()).scheduler("wlc")
                    .realServer(ra).realServer(rb).build();
            try (HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.builder()
                            .delayLoop(Duration.ofMillis(100)).fall(1).rise(1).retry(0).warmup(Duration.ZERO).build(),
                    CheckFactory.tcp(Duration.ofMillis(500)));
                 Director director = Director.builder().virtualService(web).healthMonitor(monitor).build()) {
                director.start().toCompletableFuture().join();
                int first = ask(web.address());
                assertEquals(true, first == 'a' || first == 'b', "served by a or b, got " + first);

                b.close(); // b fails its check and leaves the pool
                await().atMost(Duration.ofSeconds(10)).until(() -> rb.state() == RealServerState.DOWN);
                for (int i = 0; i < 5; i++) {
                    assertEquals('a', ask(web.address()));
                }
                director.stop(Duration.ofSeconds(5)).toCompletableFuture().join();
            }
        }
    }
}
