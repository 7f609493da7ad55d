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
}
