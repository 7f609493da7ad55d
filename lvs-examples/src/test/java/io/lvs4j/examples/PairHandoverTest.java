package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import io.lvs4j.forward.Director;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hitless upgrade of an active-standby pair (issue 19): a director with a VRRP failover hands its listeners, its
 * failover socket and its advert run to a successor over its handover socket, and the peer sees no role change and
 * refuses no advert; clients are served throughout. Both "processes" of a node run in this JVM; the descriptors still
 * travel over the Unix socket as between processes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PairHandoverTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    /**
     * The advert interval: B takes over after 3 of them plus its skew without adverts (0.85 s), well beyond a pause
     * on a loaded machine between a predecessor's last advert and its successor's first.
     */
    private static final Duration ADVERT = Duration.ofMillis(250);
    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private ServerSocket backend;
    private int vport;
    private InetSocketAddress a;
    private InetSocketAddress b;

    @BeforeEach
    void setUp() throws IOException {
        backend = new ServerSocket(0, 200, LO);
        pool.execute(() -> {
            while (!backend.isClosed()) {
                try (Socket c = backend.accept()) {
                    c.getOutputStream().write('x');
                } catch (IOException e) {
                    return;
                }
            }
        });
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            vport = s.getLocalPort();
        }
        a = udp();
        b = udp();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        backend.close();
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static InetSocketAddress udp() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            return new InetSocketAddress(LO, s.getLocalPort());
        }
    }

    private VirtualService service() {
        return VirtualService.tcp("127.0.0.1", vport).scheduler("rr")
                .realServer(RealServer.builder(new InetSocketAddress(LO, backend.getLocalPort())).build()).build();
    }

    private VrrpFailover failover(InetSocketAddress self, int priority, InetSocketAddress peer) {
        VrrpFailover f = VrrpFailover.create(VrrpConfig.builder(51, self).priority(priority)
                .advertInterval(ADVERT).key(1, KEY).peer(peer).build());
        resources.add(f);
        return f;
    }

    /** A node: a director gated by {@code failover}, handing over (and adopting) at {@code socket}. */
    private Director node(VrrpFailover failover, String socket) {
        Path path = dir.resolve(socket);
        Director d = Director.builder().virtualService(service()).failover(failover).ioThreads(1)
                .handoverSocket(path, Duration.ofSeconds(2)).adoptFrom(path).build();
        resources.add(d);
        return d;
    }

    private int ask() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LO, vport), 2000);
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        }
    }

    private static long refused(VrrpFailover f) {
        return f.rejections().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Clients in a loop (bounded: 60 s or until stopped), counting answers and failures. */
    private final class Load implements AutoCloseable {
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Future<?> task;

        Load() {
            task = pool.submit(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!stop.get() && System.nanoTime() - end < 0) {
                    try {
                        if (ask() == 'x') {
                            served.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }

        void awaitMore(int n) {
            int target = served.get() + n;
            await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= target);
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            task.get(10, TimeUnit.SECONDS);
        }
    }

    private VrrpFailover fa;
    private Director da;
    private VrrpFailover fb;
    private Director db;

    /** Starts master A (priority 150) and backup B (100) and returns what B sees from then on. */
    private List<RoleChange> startPair() throws Exception {
        fa = failover(a, 150, b);
        da = node(fa, "a.sock");
        fb = failover(b, 100, a);
        db = node(fb, "b.sock");
        da.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> fa.role() == Role.MASTER);
        db.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> fb.role() == Role.BACKUP);
        List<RoleChange> seen = new CopyOnWriteArrayList<>();
        fb.onRoleChange(seen::add);
        return seen;
    }

    @Test
    void replacingTheMasterAndThenTheBackupChangesNoRoleAtThePeerAndLosesNoClient() throws Exception {
        List<RoleChange> seenByB = startPair();

        VrrpFailover fa2 = failover(a, 150, b);
        Director da2 = node(fa2, "a.sock");
        List<RoleChange> seenByA = new CopyOnWriteArrayList<>();
        fa.onRoleChange(seenByA::add);
        try (Load load = new Load()) {
            load.awaitMore(50);
            da2.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertThat(fa2.role()).isEqualTo(Role.MASTER);
            da.handedOver().toCompletableFuture().get(15, TimeUnit.SECONDS); // drained and stopped
            assertThat(fa.role()).isEqualTo(Role.INIT);
            // left without a word to its own listeners: a takeover action would undo the successor's (ip addr del)
            assertThat(seenByA).isEmpty();
            load.awaitMore(100);
            // longer than B's master down interval (3 x 250 ms + skew): B would have taken over by now
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> fb.role() == Role.BACKUP
                    && fa2.role() == Role.MASTER);
            load.close();
            assertThat(load.failed.get()).isZero();
        }
        assertThat(seenByB).isEmpty();
        assertThat(refused(fb)).isZero();

        // now the backup: B hands over to B', as a backup; A' sees nothing of it
        List<RoleChange> seenByA2 = new CopyOnWriteArrayList<>();
        fa2.onRoleChange(seenByA2::add);
        VrrpFailover fb2 = failover(b, 100, a);
        Director db2 = node(fb2, "b.sock");
        db2.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(fb2.role()).isEqualTo(Role.BACKUP);
        db.handedOver().toCompletableFuture().get(15, TimeUnit.SECONDS);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> fb2.role() == Role.BACKUP
                && fa2.role() == Role.MASTER);
        assertThat(seenByA2).isEmpty();
        assertThat(refused(fa2)).isZero();
        assertThat(ask()).isEqualTo('x');

        // B' is a working backup: when A' stops (resigning), B' takes over and serves
        da2.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> fb2.role() == Role.MASTER);
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> ask() == 'x');
    }

    @Test
    void aSuccessorThatLeavesMidwayOrRunsAtALowerPriorityLeavesTheMasterAsItWas() throws Exception {
        List<RoleChange> seenByB = startPair();

        try (Load load = new Load()) {
            load.awaitMore(20);
            // a successor that asks, gets the failover paused and its state, then dies before taking anything
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(dir.resolve("a.sock")));
                String name = ServiceKey.of(service()).toString().replace(' ', '/');
                c.write(ByteBuffer.wrap(("LVS4J-HANDOVER 1 " + name + " FAILOVER\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
                    assertThat(c.read(buf)).isPositive();
                }
                assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII))
                        .startsWith("OK 2 FAILOVER v=1,router=51,");
            }
            // a clumsy operator's successor with a lower priority: refused before it advertises
            VrrpFailover low = failover(a, 100, b);
            Director dlow = node(low, "a.sock");
            assertThatThrownBy(() -> dlow.start().toCompletableFuture().get(15, TimeUnit.SECONDS))
                    .hasMessageContaining("priority 150, above this node's 100");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> fa.role() == Role.MASTER
                    && fb.role() == Role.BACKUP);
            load.awaitMore(50);
            load.close();
            assertThat(load.failed.get()).isZero();
        }
        assertThat(seenByB).isEmpty();
        assertThat(refused(fb)).isZero();
        assertThat(da.handedOver().toCompletableFuture().isDone()).isFalse();
    }
}
