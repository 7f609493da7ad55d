package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The director-wide TCP connection limit holds back accepts over all services, like a service's maxconn. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpConnectionLimitTest {

    private static Socket connect(VirtualService vs) throws IOException {
        Socket s = new Socket();
        s.connect(vs.address(), 5000);
        return s;
    }

    /** One byte there and back, waiting at most {@code timeoutMillis}. */
    private static void roundTrip(Socket s, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        s.getOutputStream().write('x');
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).isEqualTo('x');
    }

    @Test
    void theDirectorsLimitHoldsBackAcceptsOfEveryServiceAndResumesWhenAConnectionEnds() throws Exception {
        int limit = 5;
        List<Socket> clients = new ArrayList<>();
        try (Backends.Server echo = Backends.echo(); ResourceProbe.LogCapture log = new ResourceProbe.LogCapture()) {
            VirtualService a = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(RealServer.builder(echo.address()).build()).build();
            VirtualService b = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(RealServer.builder(echo.address()).build()).build();
            Director director = Director.builder().virtualService(a).virtualService(b).ioThreads(2)
                    .maxConnections(limit).build();
            try {
                director.start().toCompletableFuture().join();
                int baseline = ResourceProbe.openDescriptors();
                for (int i = 0; i < limit; i++) {
                    Socket s = connect(i % 2 == 0 ? a : b);
                    clients.add(s);
                    roundTrip(s, 5000);
                }
                // over the limit: the kernel completes the handshake (backlog), the director does not accept
                Socket waiting = connect(b);
                clients.add(waiting);
                Socket waitingToo = connect(a);
                clients.add(waitingToo);
                assertThatThrownBy(() -> roundTrip(waiting, 500)).isInstanceOf(SocketTimeoutException.class);
                waitingToo.getOutputStream().write('x');
                waiting.setSoTimeout(10_000);
                waitingToo.setSoTimeout(10_000);
                assertThat(echo.open.get()).isEqualTo(limit);
                // a connection of the other service ends: one waiting client is admitted, and only one
                clients.get(0).close();
                await().atMost(Duration.ofSeconds(10)).until(() -> echo.accepted.get() == limit + 1);
                assertThat(echo.maxOpen.get()).isLessThanOrEqualTo(limit);
                clients.get(1).close();
                await().atMost(Duration.ofSeconds(10)).until(() -> echo.accepted.get() == limit + 2);
                assertThat(waiting.getInputStream().read()).isEqualTo('x'); // its byte, held meanwhile
                assertThat(waitingToo.getInputStream().read()).isEqualTo('x');
                assertThat(echo.maxOpen.get()).isLessThanOrEqualTo(limit);
                for (Socket s : clients) {
                    s.close();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> echo.open.get() == 0
                        && director.statistics().stream().mapToInt(ServiceStatistics::connections).sum() == 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> ResourceProbe.openDescriptors() <= baseline);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
                director.close();
            }
            assertThat(log.lines("WARN")).as(log.text()).isZero();
        }
    }
}
