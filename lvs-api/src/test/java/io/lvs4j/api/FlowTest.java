package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class FlowTest {

    @Test
    void ipv4FoldIsTheHostOrderAddress() throws Exception {
        assertThat(Flow.fold(InetAddress.getByName("10.1.2.3"))).isEqualTo(0x0a010203);
        assertThat(Flow.fold(InetAddress.getByName("255.0.0.1"))).isEqualTo(0xff000001);
    }

    @Test
    void ipv6FoldXorsTheFourWords() throws Exception {
        assertThat(Flow.fold(InetAddress.getByName("2001:db8:0:1:0:0:0:7")))
                .isEqualTo(0x20010db8 ^ 0x00000001 ^ 0 ^ 0x00000007);
    }

    @Test
    void flowCarriesTheFoldsOfBothEnds() {
        Flow f = Flow.tcp(new InetSocketAddress("192.168.1.9", 40000), new InetSocketAddress("10.0.0.100", 80));
        assertThat(f.clientAddressFold()).isEqualTo(0xc0a80109);
        assertThat(f.destinationAddressFold()).isEqualTo(0x0a000064);
        assertThat(f.clientPort()).isEqualTo(40000);
        assertThat(f).hasToString("TCP 192.168.1.9:40000 -> 10.0.0.100:80")
                .isEqualTo(Flow.of(Protocol.TCP, f.client(), f.destination()))
                .isNotEqualTo(Flow.udp(f.client(), f.destination()));
    }
}
