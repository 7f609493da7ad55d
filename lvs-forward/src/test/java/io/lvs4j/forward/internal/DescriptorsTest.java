package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.forward.DirectorBuilder;
import io.lvs4j.forward.Transport;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class DescriptorsTest {

    @Test
    void theDefaultsLeaveAReserveAndTogetherFitTheLimit() {
        // ulimit -n 4096: 512 kept back, 3584 left; half of them to UDP flows (one each), half to TCP (two each)
        assertThat(Descriptors.defaultMaxFlows(4096)).isEqualTo(1792);
        assertThat(Descriptors.defaultMaxConnections(4096)).isEqualTo(896);
        assertThat(Descriptors.defaultMaxFlows(1024)).isEqualTo(448); // the table in docs/forwarding.md
        assertThat(Descriptors.defaultMaxConnections(1024)).isEqualTo(224);
        for (long limit : new long[] {256, 1024, 4096, 65_536, 1 << 20}) {
            long used = Descriptors.defaultMaxFlows(limit) + 2L * Descriptors.defaultMaxConnections(limit);
            assertThat(used).as("ulimit -n %d", limit).isLessThanOrEqualTo(limit - 128);
        }
        assertThat(Descriptors.defaultMaxFlows(1 << 20)).isEqualTo(65_536);
        assertThat(Descriptors.defaultMaxFlows(10)).isEqualTo(16); // a tiny limit still gets a working director
    }

    @Test
    void theLimitIsTheProcesssOwn() {
        assertThat(Descriptors.limit()).isPositive();
    }

    @Test
    void theEffectiveFlowLimitIsTheHeapBoundedOneOnIoUringAndTheConfiguredOneElsewhere() {
        // what `lvs4j forward --udp` prints at start: not the configured 65,536 when io_uring holds only 744
        assertThat(Descriptors.flowLimit(Transport.NIO, 65_536, 256L << 20)).isEqualTo(65_536);
        assertThat(DirectorBuilder.effectiveMaxFlows(Transport.NIO, 65_536)).isEqualTo(65_536);
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        assertThat(Descriptors.flowLimit(Transport.IO_URING, 65_536, 256L << 20)).isEqualTo(744);
        long heapBound = Math.max(16, Runtime.getRuntime().maxMemory() / 2 / IoTransport.IO_URING_FLOW_HEAP);
        assertThat(DirectorBuilder.effectiveMaxFlows(Transport.IO_URING, 1 << 30))
                .as("this JVM's own heap bounds it").isEqualTo((int) heapBound);
        assertThat(DirectorBuilder.effectiveMaxFlows(Transport.IO_URING, 10)).as("a lower setting stays")
                .isEqualTo(10);
    }
}
