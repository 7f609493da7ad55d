package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VirtualServiceTest {

    @Test
    void defaultsFollowIpvsadmAndKeepalived() {
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).build();
        assertThat(vs.scheduler()).isEqualTo("wlc");
        assertThat(vs.isPersistent()).isFalse();
        assertThat(vs.persistenceNetmask()).isEqualTo(32);
        assertThat(vs.quorum()).isEqualTo(1);
        assertThat(vs.hysteresis()).isZero();
        assertThat(vs.sorryServer()).isNull();
        assertThat(vs.maxConnections()).isZero();
        assertThat(vs.name()).isEqualTo("TCP 10.0.0.100:80");
        VirtualService v6 = VirtualService.udp("::1", 53).persistent().build();
        assertThat(v6.persistenceNetmask()).isEqualTo(128);
        assertThat(v6.persistenceTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(v6.name()).isEqualTo("UDP [0:0:0:0:0:0:0:1]:53");
    }

    @Test
    void duplicateRealServerIsRejectedNamingIt() {
        VirtualService.Builder b = VirtualService.tcp("10.0.0.100", 80).realServer(RealServer.of("10.0.0.2", 80));
        assertThatIllegalArgumentException().isThrownBy(() -> b.realServer(RealServer.of("10.0.0.2", 80, 5)))
                .withMessage("realServer 10.0.0.2:80 is listed twice in virtual service TCP 10.0.0.100:80");
    }

    @Test
    void badFieldsAreRejectedNamingFieldAndValue() {
        VirtualService.Builder b = VirtualService.tcp("10.0.0.100", 80);
        assertThatIllegalArgumentException().isThrownBy(() -> b.persistenceNetmask(33))
                .withMessage("persistenceNetmask must be 0..32 but was 33");
        assertThatIllegalArgumentException().isThrownBy(() -> b.quorum(-1))
                .withMessage("quorum must be >= 0 but was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> b.hysteresis(-2))
                .withMessage("hysteresis must be >= 0 but was -2");
        assertThatIllegalArgumentException().isThrownBy(() -> b.maxConnections(-3))
                .withMessage("maxConnections must be >= 0 but was -3");
        assertThatIllegalArgumentException().isThrownBy(() -> b.persistenceTimeout(Duration.ofSeconds(-1)))
                .withMessage("persistenceTimeout must be >= 0 but was PT-1S");
        assertThatIllegalArgumentException().isThrownBy(() -> b.scheduler(" "))
                .withMessage("scheduler must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> VirtualService.tcp("10.0.0.100", 0))
                .withMessage("address port must be 1..65535 but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> b.onePacket(true).build())
                .withMessage("onePacket applies to UDP services only, not TCP");
    }

    @Test
    void udpResponsesDefaultsToNoLimitAndRejectsNegativeAbsurdOrTcpNamingTheField() {
        VirtualService.Builder udp = VirtualService.udp("10.0.0.100", 53);
        assertThat(udp.build().udpResponses()).isZero();
        VirtualService one = udp.udpResponses(1).onePacket(true).build();
        assertThat(one.udpResponses()).isEqualTo(1);
        assertThat(one.toBuilder().build()).isEqualTo(one);
        assertThat(one.toBuilder().udpResponses(2).build()).isNotEqualTo(one);
        assertThat(udp.udpResponses(VirtualService.MAX_UDP_RESPONSES).build().udpResponses()).isEqualTo(65_535);
        assertThatIllegalArgumentException().isThrownBy(() -> udp.udpResponses(-1))
                .withMessage("udpResponses must be 0 (no limit)..65535 but was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> udp.udpResponses(Integer.MAX_VALUE))
                .withMessage("udpResponses must be 0 (no limit)..65535 but was 2147483647");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> VirtualService.tcp("10.0.0.100", 80).udpResponses(1).build())
                .withMessage("udpResponses applies to UDP services only, not TCP");
    }

    @Test
    void sorryServerMustNotBeARealServer() {
        VirtualService.Builder b = VirtualService.tcp("10.0.0.100", 80).realServer(RealServer.of("10.0.0.2", 80))
                .sorryServer(new InetSocketAddress("10.0.0.2", 80));
        assertThatIllegalArgumentException().isThrownBy(b::build)
                .withMessage("sorryServer 10.0.0.2:80 is also a real server of TCP 10.0.0.100:80");
    }

    @Test
    void toBuilderCopiesEverySettingAndSharesTheLiveRealServers() {
        RealServer a = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).scheduler("mh").schedulerFlags("mh-port")
                .persistenceTimeout(Duration.ofSeconds(60)).persistenceNetmask(24).quorum(3).hysteresis(1)
                .sorryServer(new InetSocketAddress("10.0.0.9", 80)).maxConnections(100).slowStart(Duration.ofSeconds(30)).realServer(a).build();
        assertThat(vs.toBuilder().build()).isEqualTo(vs);
        assertThat(vs.toBuilder().build().slowStart()).isEqualTo(Duration.ofSeconds(30));
        assertThat(vs.toBuilder().slowStart(Duration.ZERO).build()).isNotEqualTo(vs);
        VirtualService grown = vs.toBuilder().realServer(RealServer.of("10.0.0.3", 80)).build();
        assertThat(grown.realServers()).hasSize(2).first().isSameAs(a);
        assertThat(grown.toBuilder().removeRealServer(a.address()).build().realServers())
                .extracting(RealServer::address).containsExactly(new InetSocketAddress("10.0.0.3", 80));
        assertThat(vs.realServer(a.address())).isSameAs(a);
    }

    @Test
    void slowStartIsOffByDefaultAndNeverNegative() {
        assertThat(VirtualService.tcp("10.0.0.100", 80).build().slowStart()).isZero();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> VirtualService.tcp("10.0.0.100", 80).slowStart(Duration.ofSeconds(-1)))
                .withMessage("slowStart must be >= 0 but was PT-1S");
    }
}
