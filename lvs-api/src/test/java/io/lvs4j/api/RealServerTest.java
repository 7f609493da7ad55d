package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.event.RealServerEvent;
import io.lvs4j.api.internal.RealServerEngine;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RealServerTest {

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, Integer.MIN_VALUE})
    void badWeightIsRejectedNamingTheField(int weight) {
        assertThatIllegalArgumentException().isThrownBy(() -> RealServer.builder("10.0.0.1", 80).weight(weight))
                .withMessage("weight must be 0..65535 but was " + weight);
        RealServer rs = RealServer.of("10.0.0.1", 80);
        assertThatIllegalArgumentException().isThrownBy(() -> rs.setWeight(weight))
                .withMessageContaining("weight").withMessageContaining(String.valueOf(weight));
        assertThat(rs.weight()).isEqualTo(RealServer.DEFAULT_WEIGHT);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65536, -5})
    void badPortIsRejectedNamingTheField(int port) {
        assertThatIllegalArgumentException().isThrownBy(() -> RealServer.of("10.0.0.1", port))
                .withMessage("address port must be 1..65535 but was " + port);
    }

    @Test
    void hostNamesAreRejectedInsteadOfLookedUp() {
        assertThatIllegalArgumentException().isThrownBy(() -> RealServer.of("backend.example", 80))
                .withMessage("address must be an IPv4 or IPv6 literal but was 'backend.example'");
        assertThatIllegalArgumentException().isThrownBy(() -> RealServer.of("10.0.0.256", 80))
                .withMessageContaining("'10.0.0.256'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RealServer.builder(InetSocketAddress.createUnresolved("x", 80)))
                .withMessageStartingWith("address must be a resolved IP address");
    }

    @Test
    void lowerThresholdAboveUpperIsRejectedNamingBoth() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RealServer.builder("10.0.0.1", 80).upperThreshold(10).lowerThreshold(50).build())
                .withMessage("lowerThreshold (50) must not exceed upperThreshold (10) for real server 10.0.0.1:80");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RealServer.builder("10.0.0.1", 80).upperThreshold(-1))
                .withMessage("upperThreshold must be >= 0 but was -1");
    }

    @Test
    void overheadIsActiveTimes256PlusInactive() {
        RealServer rs = RealServer.of("10.0.0.1", 80);
        RealServerEngine.connectionOpened(rs);
        RealServerEngine.connectionOpened(rs);
        RealServerEngine.inactiveConnectionOpened(rs);
        assertThat(rs.overhead()).isEqualTo(2 * 256 + 1);
        RealServerEngine.connectionDeactivated(rs);
        assertThat(rs.activeConnections()).isEqualTo(1);
        assertThat(rs.inactiveConnections()).isEqualTo(2);
        assertThat(rs.overhead()).isEqualTo(256 + 2);
        assertThat(rs.stats().totals().connections()).isEqualTo(3);
    }

    @Test
    void upperThresholdOverloadsAndLowerThresholdClears() {
        RealServer rs = RealServer.builder("10.0.0.1", 80).upperThreshold(4).lowerThreshold(2).build();
        for (int i = 0; i < 3; i++) {
            RealServerEngine.connectionOpened(rs);
        }
        assertThat(rs.isOverloaded()).isFalse();
        RealServerEngine.connectionOpened(rs); // total 4 >= upper 4
        assertThat(rs.isOverloaded()).isTrue();
        assertThat(rs.isAvailable()).isFalse();
        RealServerEngine.connectionClosed(rs, true); // 3
        RealServerEngine.connectionClosed(rs, true); // 2: not below lower 2
        assertThat(rs.isOverloaded()).isTrue();
        RealServerEngine.connectionClosed(rs, true); // 1 < 2
        assertThat(rs.isOverloaded()).isFalse();
        assertThat(rs.isAvailable()).isTrue();
    }

    @Test
    void withoutLowerThresholdOverloadClearsBelowThreeQuartersOfUpper() {
        RealServer rs = RealServer.builder("10.0.0.1", 80).upperThreshold(8).build();
        for (int i = 0; i < 8; i++) {
            RealServerEngine.connectionOpened(rs);
        }
        assertThat(rs.isOverloaded()).isTrue();
        RealServerEngine.connectionClosed(rs, true); // 7: 28 < 24? no
        RealServerEngine.connectionClosed(rs, true); // 6: 24 < 24? no
        assertThat(rs.isOverloaded()).isTrue();
        RealServerEngine.connectionClosed(rs, true); // 5: 20 < 24
        assertThat(rs.isOverloaded()).isFalse();
    }

    @Test
    void quiescentAndDownServersAreNotAvailable() {
        RealServer rs = RealServer.of("10.0.0.1", 80, 3);
        assertThat(rs.isAvailable()).isTrue();
        rs.setWeight(0);
        assertThat(rs.isQuiescent()).isTrue();
        assertThat(rs.isAvailable()).isFalse();
        rs.setWeight(2);
        rs.setState(RealServerState.DOWN);
        assertThat(rs.isAvailable()).isFalse();
    }

    @Test
    void changesArePublishedOnceAndListenersCanBeRemoved() {
        RealServer rs = RealServer.of("10.0.0.1", 80, 3);
        List<RealServerEvent> events = new ArrayList<>();
        Registration reg = rs.onEvent(events::add);
        rs.setWeight(5);
        rs.setWeight(5);
        rs.setState(RealServerState.DOWN);
        rs.setState(RealServerState.DOWN);
        assertThat(events).containsExactly(
                new RealServerEvent.WeightChanged(rs, 3, 5),
                new RealServerEvent.StateChanged(rs, RealServerState.UP, RealServerState.DOWN));
        reg.close();
        rs.setWeight(1);
        assertThat(events).hasSize(2);
    }

    @Test
    void identityIsTheAddressAndOrderIsByAddressBytesThenPort() {
        assertThat(RealServer.of("10.0.0.1", 80, 1)).isEqualTo(RealServer.of("10.0.0.1", 80, 9))
                .isNotEqualTo(RealServer.of("10.0.0.1", 81));
        List<RealServer> list = new ArrayList<>(List.of(RealServer.of("::1", 80), RealServer.of("10.0.0.200", 80),
                RealServer.of("10.0.0.3", 81), RealServer.of("10.0.0.3", 80), RealServer.of("9.255.0.1", 80)));
        list.sort(RealServer.ADDRESS_ORDER);
        assertThat(list).extracting(RealServer::toString).containsExactly("9.255.0.1:80 weight 1 UP",
                "10.0.0.3:80 weight 1 UP", "10.0.0.3:81 weight 1 UP", "10.0.0.200:80 weight 1 UP",
                "[0:0:0:0:0:0:0:1]:80 weight 1 UP");
    }
}
