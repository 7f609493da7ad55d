package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.Role;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two directors, each with two instances (outside and inside) in a sync group, over real UDP on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VrrpSyncGroupTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    private static InetSocketAddress udp() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    private static VrrpFailover node(int router, InetSocketAddress self, InetSocketAddress peer, int priority) {
        return VrrpFailover.create(VrrpConfig.builder(router, self).priority(priority)
                .advertInterval(Duration.ofMillis(100)).key(1, KEY).peer(peer).build());
    }

    @Test
    void aFaultInOneInstanceMovesTheWholeGroupToTheStandbyAndBack() throws Exception {
        InetSocketAddress a1 = udp();
        InetSocketAddress a2 = udp();
        InetSocketAddress b1 = udp();
        InetSocketAddress b2 = udp();
        VrrpFailover outsideA = node(10, a1, b1, 150);
        VrrpFailover insideA = node(11, a2, b2, 150);
        VrrpFailover outsideB = node(10, b1, a1, 100);
        VrrpFailover insideB = node(11, b2, a2, 100);
        List<VrrpFailover> all = List.of(outsideA, insideA, outsideB, insideB);
        try (VrrpSyncGroup groupA = VrrpSyncGroup.of("nat", outsideA, insideA);
                VrrpSyncGroup groupB = VrrpSyncGroup.of("nat", outsideB, insideB)) {
            outsideA.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            insideA.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> outsideA.role() == Role.MASTER
                    && insideA.role() == Role.MASTER);
            outsideB.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            insideB.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> outsideB.role() == Role.BACKUP
                    && insideB.role() == Role.BACKUP);

            insideA.setFault("inside link", true); // only the inside instance sees the problem
            await().atMost(Duration.ofSeconds(5)).until(() -> insideA.role() == Role.FAULT
                    && outsideA.role() == Role.FAULT && outsideB.role() == Role.MASTER
                    && insideB.role() == Role.MASTER);
            assertThat(outsideA.faults()).containsExactly("sync group nat");

            insideA.setFault("inside link", false); // recovered: both rejoin, and preempt with priority 150
            await().atMost(Duration.ofSeconds(10)).until(() -> outsideA.role() == Role.MASTER
                    && insideA.role() == Role.MASTER && outsideB.role() == Role.BACKUP
                    && insideB.role() == Role.BACKUP);
            assertThat(outsideA.faults()).isEmpty();
        } finally {
            all.forEach(VrrpFailover::close);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> VrrpSyncGroup.of("alone", outsideA))
                .withMessage("a sync group needs at least 2 members but was given 1");
    }
}
