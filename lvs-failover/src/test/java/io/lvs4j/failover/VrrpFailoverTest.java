package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.StateSync;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.failover.internal.DefaultVrrpFailover;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two and three nodes over real UDP on loopback addresses 127.0.0.x. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VrrpFailoverTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);
    private static final Duration ADVERT = Duration.ofMillis(100);

    private static InetSocketAddress address(int host) throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0." + host);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            return new InetSocketAddress(ip, s.getLocalPort());
        }
    }

    private static VrrpFailover node(InetSocketAddress self, int priority, byte[] key, InetSocketAddress... peers) {
        return node(self, priority, ADVERT, key, peers);
    }

    private static VrrpFailover node(InetSocketAddress self, int priority, Duration advert, byte[] key,
                                     InetSocketAddress... peers) {
        VrrpConfig.Builder b = VrrpConfig.builder(51, self).priority(priority).advertInterval(advert).key(1, key);
        for (InetSocketAddress p : peers) {
            b.peer(p);
        }
        return VrrpFailover.create(b.build());
    }

    /** Starts both nodes and waits until the first is master and the second backup. */
    private static void startPair(VrrpFailover master, VrrpFailover backup) throws Exception {
        master.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        backup.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.MASTER
                && backup.role() == Role.BACKUP);
    }

    @Test
    void theMastersStateReachesTheBackupInItsAdvertsUpToSixtyKilobytes() throws Exception {
        InetSocketAddress a = address(1);
        InetSocketAddress b = address(1);
        VrrpFailover master = node(a, 150, KEY, b);
        VrrpFailover backup = node(b, 100, KEY, a);
        byte[] big = new byte[60_000];
        new Random(3).nextBytes(big);
        List<Boolean> fulls = new CopyOnWriteArrayList<>();
        master.replicate(new StateSync() {
            @Override
            public byte[] export(boolean full, int maxBytes) {
                fulls.add(full);
                return full ? big : new byte[] {1, 2, 3};
            }

            @Override
            public void apply(byte[] state) {
                throw new AssertionError("a master applies nothing");
            }
        });
        AtomicReference<byte[]> lastBig = new AtomicReference<>();
        AtomicInteger small = new AtomicInteger();
        backup.replicate(new StateSync() {
            @Override
            public byte[] export(boolean full, int maxBytes) {
                return new byte[0];
            }

            @Override
            public void apply(byte[] state) {
                if (state.length == 3) {
                    small.incrementAndGet();
                } else {
                    lastBig.set(state);
                }
            }
        });
        try {
            startPair(master, backup);
            await().atMost(Duration.ofSeconds(5)).until(() -> lastBig.get() != null && small.get() >= 10);
            assertThat(lastBig.get()).isEqualTo(big);
            assertThat(fulls.get(0)).as("a new master's first advert carries a full snapshot").isTrue();
            // adverts every 50 ms, a full snapshot every 2 s: the changes go in between
            assertThat(fulls.stream().filter(f -> f).count()).isLessThanOrEqualTo(2 + fulls.size() / 40);
        } finally {
            master.close();
            backup.close();
        }
    }

    @Test
    void closeKeepsTheCallersInterruptAndStopsTheNodeAnyway() throws Exception {
        VrrpFailover node = node(address(33), 150, KEY);
        node.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> node.role() == Role.MASTER);
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        node.close();
        boolean interrupted = Thread.interrupted(); // clears it for the rest of the test
        assertThat(interrupted).as("an interrupt while close() waits stays set").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(VrrpFailover.CLOSE_TIMEOUT);
        node.close(); // waits this time, and closing twice is harmless
        assertThat(node.role()).isEqualTo(Role.INIT);
    }

    @Test
    void twoNodesOnOneAddressFormAPair() throws Exception {
        InetSocketAddress a = address(1);
        InetSocketAddress b = address(1);
        VrrpFailover master = node(a, 150, KEY, b);
        VrrpFailover backup = node(b, 100, KEY, a);
        try {
            startPair(master, backup);
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                    .until(() -> backup.role() == Role.BACKUP && master.role() == Role.MASTER);
            ((DefaultVrrpFailover) master).crash();
            await().atMost(Duration.ofSeconds(3)).until(() -> backup.role() == Role.MASTER);
        } finally {
            master.close();
            backup.close();
        }
    }

    @Test
    void theBackupTakesOverWhenTheMasterCrashesAndWhenItResigns() throws Exception {
        InetSocketAddress a = address(31);
        InetSocketAddress b = address(32);
        VrrpFailover master = node(a, 150, KEY, b);
        VrrpFailover backup = node(b, 100, KEY, a);
        try {
            startPair(master, backup);
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                    .until(() -> backup.role() == Role.BACKUP); // adverts keep arriving
            long crashed = System.nanoTime();
            ((DefaultVrrpFailover) master).crash();
            await().atMost(Duration.ofSeconds(3)).until(() -> backup.role() == Role.MASTER);
            long takeoverMillis = (System.nanoTime() - crashed) / 1_000_000;
            // master down interval 360.9 ms after the last advert heard; the bound leaves room for a loaded machine
            assertThat(takeoverMillis).isBetween(250L, 2000L);
        } finally {
            master.close();
            backup.close();
        }
    }

    @Test
    void aGracefulStopHandsOverAfterTheSkewTime() throws Exception {
        InetSocketAddress a = address(33);
        InetSocketAddress b = address(34);
        // 1 s adverts: the skew time (609 ms at priority 100) and the master down interval (3.609 s) lie far enough
        // apart that a loaded runner's delays cannot make one look like the other
        Duration advert = Duration.ofSeconds(1);
        VrrpFailover master = node(a, 150, advert, KEY, b);
        VrrpFailover backup = node(b, 100, advert, KEY, a);
        try {
            master.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            backup.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(15)).until(() -> master.role() == Role.MASTER
                    && backup.role() == Role.BACKUP);
            CompletableFuture<Long> tookOver = new CompletableFuture<>(); // timed when it happens, not when polled
            backup.onRoleChange(c -> {
                if (c.current() == Role.MASTER) {
                    tookOver.complete(System.nanoTime());
                }
            });
            long stopped = System.nanoTime();
            master.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
            // the backup waits its skew time after the master's priority-0 advert (609 ms), not the master down
            // interval a crash takes (3,609 ms)
            assertThat((tookOver.get(10, TimeUnit.SECONDS) - stopped) / 1_000_000).isBetween(600L, 2500L);
        } finally {
            master.close();
            backup.close();
        }
    }

    @Test
    void adverts_signedWithAnotherKey_areCountedAndChangeNothing() throws Exception {
        InetSocketAddress a = address(35);
        InetSocketAddress b = address(36);
        InetSocketAddress c = address(37);
        VrrpFailover master = node(a, 150, KEY, b, c);
        VrrpFailover backup = node(b, 100, KEY, a, c);
        VrrpFailover intruder = node(c, 254, "someone-elses-key-32-bytes-long!".getBytes(StandardCharsets.US_ASCII),
                a, b);
        try {
            master.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            backup.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.MASTER);
            intruder.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> master.rejections().get(AdvertRejection.BAD_MAC) > 3);
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                    .until(() -> master.role() == Role.MASTER && backup.role() == Role.BACKUP);
            assertThat(intruder.role()).isEqualTo(Role.MASTER); // alone in its own world
        } finally {
            master.close();
            backup.close();
            intruder.close();
        }
    }

    /** A health monitor the test drives: quorum is whatever the test says, events go to the listeners. */
    static final class ScriptedMonitor implements HealthMonitor {
        final List<Consumer<? super HealthEvent>> listeners =
                new CopyOnWriteArrayList<>();
        volatile boolean quorum = true;

        void quorum(VirtualService vs, boolean up) {
            quorum = up;
            HealthEvent e = up ? new HealthEvent.QuorumUp(vs, 1)
                    : new HealthEvent.QuorumLost(vs, 0);
            listeners.forEach(l -> l.accept(e));
        }

        @Override
        public void watch(VirtualService service) {
        }

        @Override
        public void unwatch(VirtualService service) {
        }

        @Override
        public boolean hasQuorum(VirtualService service) {
            return quorum;
        }

        @Override
        public Registration onEvent(
                Consumer<? super HealthEvent> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void losingTheQuorumHandsTheGroupToTheStandbyAndRegainingItTakesItBack() throws Exception {
        InetSocketAddress a = address(39);
        InetSocketAddress b = address(40);
        VrrpFailover master = node(a, 150, KEY, b);
        VrrpFailover backup = node(b, 100, KEY, a);
        VirtualService vs = VirtualService.tcp("127.0.0.1", 80).build();
        ScriptedMonitor monitor = new ScriptedMonitor();
        try {
            master.trackQuorum(monitor, vs);
            startPair(master, backup);
            monitor.quorum(vs, false);
            await().atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.FAULT
                    && backup.role() == Role.MASTER);
            monitor.quorum(vs, true);
            await().atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.MASTER
                    && backup.role() == Role.BACKUP); // preempts back
            master.setTrackedPriority(90); // now below the backup's 100
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.role() == Role.MASTER
                    && master.role() == Role.BACKUP);
            assertThat(master.priority()).isEqualTo(90);
        } finally {
            master.close();
            backup.close();
        }
    }

    @Test
    void aNodeWithoutAKeyRefusesToStartUnlessToldItIsInsecure() throws Exception {
        InetSocketAddress a = address(38);
        assertThatIllegalArgumentException().isThrownBy(() -> VrrpConfig.builder(51, a).build())
                .withMessageStartingWith("a failover group needs a key");
        assertThat(VrrpConfig.builder(51, a).insecure(true).build().insecure()).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> VrrpConfig.builder(51, a).key(1, new byte[4]))
                .withMessage("key 1 must be at least 16 bytes but was 4");
        // the bind address is the identity peers check every datagram against: it must be one
        assertThatIllegalArgumentException().isThrownBy(() -> VrrpConfig.builder(51, new InetSocketAddress(5405)))
                .withMessageStartingWith("bind must be this node's address and port");
        assertThatIllegalArgumentException().isThrownBy(() -> VrrpConfig.builder(51,
                new InetSocketAddress(a.getAddress(), 0))).withMessageStartingWith("bind must be");
    }
}
