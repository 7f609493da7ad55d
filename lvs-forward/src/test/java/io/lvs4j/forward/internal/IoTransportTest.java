package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.forward.Transport;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Transport.AUTO chooses, and the system property that overrides it. */
class IoTransportTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(IoTransport.AUTO_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(IoTransport.AUTO_PROPERTY);
        } else {
            System.setProperty(IoTransport.AUTO_PROPERTY, saved);
        }
    }

    @Test
    void autoIsIoUringWhereNettyFindsItUsableElseNio() {
        System.clearProperty(IoTransport.AUTO_PROPERTY);
        boolean uring = IoUring.isAvailable();
        assertThat(IoTransport.of(Transport.AUTO).name()).isEqualTo(uring ? "io_uring" : "nio");
    }

    @Test
    void thePropertyOverridesAutoButNotAnExplicitChoice() {
        System.setProperty(IoTransport.AUTO_PROPERTY, "nio");
        assertThat(IoTransport.of(Transport.AUTO).name()).isEqualTo("nio");
        System.setProperty(IoTransport.AUTO_PROPERTY, "io-uring");
        Assumptions.assumeTrue(IoUring.isAvailable());
        assertThat(IoTransport.of(Transport.AUTO).name()).isEqualTo("io_uring");
        assertThat(IoTransport.of(Transport.NIO).name()).isEqualTo("nio");
    }

    @Test
    void aBadPropertySaysWhatItMayBe() {
        System.setProperty(IoTransport.AUTO_PROPERTY, "kqueue");
        assertThatIllegalArgumentException().isThrownBy(() -> IoTransport.of(Transport.AUTO))
                .withMessage("-Dlvs4j.transport.auto must be nio, epoll or io_uring but was 'kqueue'");
    }

    @Test
    void onIoUringTheHeapBoundsTheUdpFlowsSoThatAFloodEvictsInsteadOfFillingIt() {
        IoTransport nio = IoTransport.of(Transport.NIO);
        IoTransport uring = new IoTransport("io_uring", nio.handlers(), nio.serverChannel(), nio.socketChannel(),
                nio.datagramChannel());
        long heap = 256L << 20; // the launcher's -Xmx256m
        // half of 256 MiB at 176 KiB a flow: 744 flows, however many the descriptor limit would allow
        assertThat(uring.flowLimit(65_536, heap)).isEqualTo(744);
        assertThat(uring.flowLimit(100, heap)).as("a lower setting stays").isEqualTo(100);
        assertThat(uring.flowLimit(65_536, 1L << 20)).as("never below 16").isEqualTo(16);
        assertThat(nio.flowLimit(65_536, heap)).as("other transports: 1.6 KiB a flow, the descriptors bound it")
                .isEqualTo(65_536);
    }
}
