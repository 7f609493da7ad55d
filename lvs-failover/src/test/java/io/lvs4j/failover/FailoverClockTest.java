package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.Role;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wall-clock steps on real UDP: after two nodes have heard each other, a step changes nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverClockTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    /** The system's clocks, with a wall clock the test steps. */
    static final class SteppedClock implements FailoverClock {
        final AtomicLong offsetMillis = new AtomicLong();

        @Override
        public long wallMillis() {
            return System.currentTimeMillis() + offsetMillis.get();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    }

    private static InetSocketAddress address(int host) throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0." + host);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            return new InetSocketAddress(ip, s.getLocalPort());
        }
    }

    private static VrrpFailover node(InetSocketAddress self, int priority, FailoverClock clock,
                                     InetSocketAddress peer) {
        return VrrpFailover.create(VrrpConfig.builder(53, self).priority(priority)
                .advertInterval(Duration.ofMillis(100))
                .key(1, KEY).peer(peer).build(), clock);
    }

    @Test
    void aClockStepLargerThanTheWindowOnEitherNodeChangesNoRole() throws Exception {
        InetSocketAddress a = address(41);
        InetSocketAddress b = address(42);
        SteppedClock ca = new SteppedClock();
        SteppedClock cb = new SteppedClock();
        VrrpFailover master = node(a, 150, ca, b);
        VrrpFailover backup = node(b, 100, cb, a);
        try {
            master.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.MASTER);
            backup.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            // still backup after twice the master down interval (361 ms): it has heard, and followed, the master
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                    .until(() -> backup.role() == Role.BACKUP);
            cb.offsetMillis.set(TimeUnit.HOURS.toMillis(1)); // ten minutes of NTP trouble would do
            ca.offsetMillis.set(-TimeUnit.HOURS.toMillis(1));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> master.role() == Role.MASTER && backup.role() == Role.BACKUP);
            assertThat(backup.rejections().get(AdvertRejection.STALE)).isZero();
        } finally {
            master.close();
            backup.close();
        }
    }

    @Test
    void aRestartedMasterIsFollowedAndOneWithAFarClockIsCountedAsStale() throws Exception {
        InetSocketAddress a = address(43);
        InetSocketAddress b = address(44);
        VrrpFailover backup = node(b, 100, new SteppedClock(), a);
        VrrpFailover first = node(a, 150, new SteppedClock(), b);
        VrrpFailover second = null;
        VrrpFailover third = null;
        try {
            first.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> first.role() == Role.MASTER);
            backup.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.role() == Role.BACKUP);
            first.stop().toCompletableFuture().get(5, TimeUnit.SECONDS); // resigns: priority 0
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.role() == Role.MASTER);

            // the same identity, a new run: followed at once (its last run resigned), and preempts
            second = node(a, 150, new SteppedClock(), b);
            second.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            VrrpFailover s = second;
            await().atMost(Duration.ofSeconds(5)).until(() -> s.role() == Role.MASTER
                    && backup.role() == Role.BACKUP);
            second.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.role() == Role.MASTER);

            // a run whose wall clock is an hour off: refused as STALE on both sides, counted, never silent
            SteppedClock far = new SteppedClock();
            far.offsetMillis.set(TimeUnit.HOURS.toMillis(1));
            third = node(a, 150, far, b);
            third.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            VrrpFailover t = third;
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.rejections().get(AdvertRejection.STALE) > 0
                    && t.rejections().get(AdvertRejection.STALE) > 0);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
            if (third != null) {
                third.close();
            }
            backup.close();
        }
    }
}
