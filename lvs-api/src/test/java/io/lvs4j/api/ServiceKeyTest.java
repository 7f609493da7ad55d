package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceKeyTest {

    private static final InetSocketAddress VIP = new InetSocketAddress("10.0.0.1", 80);

    @Test
    void twoVersionsOfOneServiceHaveTheSameKey() {
        VirtualService before = VirtualService.builder(Protocol.TCP, VIP).scheduler("rr")
                .realServer(RealServer.of("10.0.1.1", 80)).build();
        VirtualService after = before.toBuilder().scheduler("wlc").build();
        Map<ServiceKey, String> map = new HashMap<>();
        map.put(ServiceKey.of(before), "running");
        assertThat(map).containsEntry(ServiceKey.of(after), "running");
        assertThat(ServiceKey.of(after)).isEqualTo(new ServiceKey(Protocol.TCP, VIP));
    }

    @Test
    void protocolAndAddressBothTellServicesApart() {
        ServiceKey tcp = new ServiceKey(Protocol.TCP, VIP);
        assertThat(tcp).isNotEqualTo(new ServiceKey(Protocol.UDP, VIP))
                .isNotEqualTo(new ServiceKey(Protocol.TCP, new InetSocketAddress("10.0.0.1", 81)))
                .isNotEqualTo(new ServiceKey(Protocol.TCP, new InetSocketAddress("10.0.0.2", 80)));
    }

    @Test
    void printsAsOperatorsWriteIt() {
        assertThat(new ServiceKey(Protocol.TCP, VIP)).hasToString("TCP 10.0.0.1:80");
        assertThat(new ServiceKey(Protocol.UDP, new InetSocketAddress("::1", 53))).hasToString("UDP [0:0:0:0:0:0:0:1]:53");
    }

    @Test
    void refusesNullParts() {
        assertThatNullPointerException().isThrownBy(() -> new ServiceKey(null, VIP)).withMessage("protocol");
        assertThatNullPointerException().isThrownBy(() -> new ServiceKey(Protocol.TCP, null))
                .withMessage("address");
    }
}
