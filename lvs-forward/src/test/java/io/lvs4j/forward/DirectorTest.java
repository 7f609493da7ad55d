package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectorTest {

    private static Socket connect(VirtualService vs) throws IOException {
        Socket s = new Socket();
        s.connect(vs.address(), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void roundTrip(Socket s, int b) throws IOException {
        s.getOutputStream().write(b);
        assertThat(s.getInputStream().read()).isEqualTo(b);
    }

    @Test
    void aQuiescentServerKeepsItsConnectionsAndGetsNoNewOnes() throws Exception {
        try (Backends.Server a = Backends.echo(); Backends.Server b = Backends.echo()) {
            RealServer ra = RealServer.builder(a.address()).build();
            RealServer rb = RealServer.builder(b.address()).build();
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(ra).realServer(rb).build();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).build()) {
                d.start().toCompletableFuture().join();
                try (Socket first = connect(vs)) { // rr: a
                    roundTrip(first, 1);
                    assertThat(a.accepted.get()).isEqualTo(1);
                    ra.setWeight(0);
                    for (int i = 0; i < 4; i++) {
                        try (Socket s = connect(vs)) {
                            roundTrip(s, 2);
                        }
                    }
                    assertThat(a.accepted.get()).isEqualTo(1);
                    assertThat(b.accepted.get()).isEqualTo(4);
                    roundTrip(first, 3); // still served by a
                    assertThat(ra.activeConnections()).isEqualTo(1);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> ra.activeConnections() == 0
                        && ra.inactiveConnections() == 0 && rb.activeConnections() == 0);
            }
        }
    }

    @Test
    void removingARealServerCanCloseItsConnections() throws Exception {
        try (Backends.Server a = Backends.echo(); Backends.Server b = Backends.echo()) {
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(RealServer.builder(a.address()).build())
                    .realServer(RealServer.builder(b.address()).build()).build();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).build()) {
                d.start().toCompletableFuture().join();
                try (Socket onA = connect(vs); Socket onB = connect(vs)) {
                    roundTrip(onA, 1);
                    roundTrip(onB, 1);
                    d.removeRealServer(vs, a.address(), true);
                    assertThat(onA.getInputStream().read()).isEqualTo(-1); // closed by the director
                    roundTrip(onB, 2);
                    try (Socket next = connect(vs)) {
                        roundTrip(next, 3);
                    }
                    assertThat(b.accepted.get()).isEqualTo(2);
                    assertThat(d.virtualServices().get(0).realServers()).extracting(RealServer::address)
                            .containsExactly(b.address());
                }
                assertThatIllegalArgumentException().isThrownBy(() -> d.addRealServer(
                                VirtualService.tcp("127.0.0.1", 1).build(), RealServer.of("127.0.0.1", 2)))
                        .withMessage("no virtual service TCP 127.0.0.1:1");
            }
        }
    }

    @Test
    void theSorryServerTakesOverWhenNoRealServerIsAvailable() throws Exception {
        try (Backends.Server real = Backends.echo(); Backends.Server sorry = Backends.echo()) {
            RealServer rs = RealServer.builder(real.address()).build();
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("wlc")
                    .realServer(rs).sorryServer(sorry.address()).build();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).build()) {
                d.start().toCompletableFuture().join();
                rs.setState(RealServerState.DOWN);
                try (Socket s = connect(vs)) {
                    roundTrip(s, 7);
                }
                assertThat(sorry.accepted.get()).isEqualTo(1);
                rs.setState(RealServerState.UP);
                try (Socket s = connect(vs)) {
                    roundTrip(s, 8);
                }
                assertThat(real.accepted.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void gracefulStopRefusesNewConnectionsAndWaitsForEstablishedOnes() throws Exception {
        try (Backends.Server a = Backends.echo()) {
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(RealServer.builder(a.address()).build()).build();
            Director d = Director.builder().virtualService(vs).ioThreads(1).build();
            d.start().toCompletableFuture().join();
            Socket open = connect(vs);
            roundTrip(open, 1);
            CompletableFuture<Void> stopping = d.stop(Duration.ofSeconds(20)).toCompletableFuture();
            await().atMost(Duration.ofSeconds(5)).until(() -> !d.isServing());
            assertThatThrownBy(() -> connect(vs)).isInstanceOf(ConnectException.class);
            roundTrip(open, 2); // still relayed while the director drains
            assertThat(stopping).isNotDone();
            open.close();
            stopping.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void statisticsCountConnectionsAndBytesPerServiceAndRealServer() throws Exception {
        try (Backends.Server a = Backends.echo()) {
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(RealServer.builder(a.address()).build()).build();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).build()) {
                d.start().toCompletableFuture().join();
                for (int i = 0; i < 3; i++) {
                    try (Socket s = connect(vs)) {
                        s.getOutputStream().write(new byte[100]);
                        assertThat(s.getInputStream().readNBytes(100)).hasSize(100);
                    }
                }
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    ServiceStatistics stats = d.statistics().get(0);
                    assertThat(stats.totals().connections()).isEqualTo(3);
                    assertThat(stats.totals().inBytes()).isEqualTo(300);
                    assertThat(stats.totals().outBytes()).isEqualTo(300);
                    assertThat(stats.realServers().get(0).totals().connections()).isEqualTo(3);
                    assertThat(stats.connections()).isZero();
                });
                String table = StatisticsTable.format(d.statistics());
                assertThat(table).contains("TCP  " + vs.address().getAddress().getHostAddress() + ":"
                        + vs.address().getPort()).contains("-> " + a.address().getAddress().getHostAddress());
            }
        }
    }

    @Test
    void aRefusedConnectIsRedispatchedEvenWhenTheSchedulerKeepsPickingTheRefusingServer() throws Exception {
        try (Backends.Server live = Backends.echo()) {
            // wlc gives every new connection to the server with the least connections, in list order on ties: the
            // refusing server (it never keeps one) is picked first every time, and the redispatch must go elsewhere
            RealServer dead = RealServer.builder(new InetSocketAddress(Backends.LOOPBACK, Backends.freePort()))
                    .build();
            RealServer ok = RealServer.builder(live.address()).build();
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("wlc")
                    .realServer(dead).realServer(ok).build();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).build()) {
                d.start().toCompletableFuture().join();
                for (int i = 0; i < 5; i++) {
                    try (Socket s = connect(vs)) {
                        roundTrip(s, i);
                    }
                }
                assertThat(live.accepted.get()).isEqualTo(5);
            }
        }
    }
}
