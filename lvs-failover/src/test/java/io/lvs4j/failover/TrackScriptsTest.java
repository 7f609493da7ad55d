package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** keepalived's track_script weights and FAULT, as {@link VrrpFailover#trackScripts} applies them. */
class TrackScriptsTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    private static VrrpFailover node(int priority) {
        return VrrpFailover.create(VrrpConfig.builder(51, new InetSocketAddress("127.0.0.1", 5405)).priority(priority)
                .key(1, KEY).build());
    }

    @Test
    void positiveWeightsCountWhileUpNegativeOnesWhileDown() {
        List<TrackedScript> scripts = List.of(new TrackedScript("a", 10, true), new TrackedScript("b", 20, false),
                new TrackedScript("c", -5, false), new TrackedScript("d", -50, true));
        assertThat(VrrpFailover.trackedPriority(100, scripts)).isEqualTo(100 + 10 - 5);
        assertThat(VrrpFailover.trackedPriority(100, List.of())).isEqualTo(100);
    }

    @Test
    void weightZeroScriptsDoNotMoveThePriority() {
        assertThat(VrrpFailover.trackedPriority(100, List.of(new TrackedScript("a", 0, false),
                new TrackedScript("b", 0, true)))).isEqualTo(100);
    }

    @Test
    void theSumStaysWithinOneAnd254() {
        assertThat(VrrpFailover.trackedPriority(200, List.of(new TrackedScript("a", 100, true)))).isEqualTo(254);
        assertThat(VrrpFailover.trackedPriority(20, List.of(new TrackedScript("a", -100, false)))).isEqualTo(1);
        assertThat(VrrpFailover.trackedPriority(20, List.of(new TrackedScript("a", -19, false)))).isEqualTo(1);
    }

    @Test
    void aDownWeightZeroScriptHoldsTheNodeInFaultUntilItIsUp() {
        try (VrrpFailover node = node(100)) {
            node.trackScripts(List.of(new TrackedScript("chk", 0, false), new TrackedScript("up", 0, true)));
            await().atMost(Duration.ofSeconds(2)).until(() -> node.faults().equals(Set.of("vrrp_script chk")));
            node.trackScripts(List.of(new TrackedScript("chk", 0, true), new TrackedScript("up", 0, true)));
            await().atMost(Duration.ofSeconds(2)).until(() -> node.faults().isEmpty());
        }
    }

    @Test
    void theTrackedPriorityIsApplied() {
        try (VrrpFailover node = node(100)) {
            node.trackScripts(List.of(new TrackedScript("chk", -30, false)));
            await().atMost(Duration.ofSeconds(2)).until(() -> node.priority() == 70);
            node.trackScripts(List.of(new TrackedScript("chk", -30, true)));
            await().atMost(Duration.ofSeconds(2)).until(() -> node.priority() == 100);
        }
    }

    @Test
    void anAddressOwnerKeepsPriority255() {
        try (VrrpFailover owner = node(255)) {
            owner.trackScripts(List.of(new TrackedScript("chk", -30, false)));
            owner.setFault("marker", true); // runs on the node's one loop after anything trackScripts queued
            await().atMost(Duration.ofSeconds(2)).until(() -> owner.faults().contains("marker"));
            assertThat(owner.priority()).isEqualTo(255);
        }
    }
}
