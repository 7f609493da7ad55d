package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A virtual service's live state under a change that cannot be applied. */
class ServiceRuntimeTest {

    @Test
    void aChangeWhoseSchedulerCannotBeBuiltChangesNothing() {
        RealServer a = RealServer.of("10.0.0.2", 80);
        RealServer b = RealServer.of("10.0.0.3", 80);
        VirtualService before = VirtualService.tcp("10.0.0.100", 80).scheduler("rr").realServer(a).build();
        ServiceRuntime runtime = new ServiceRuntime(before, Ticker.system(), null);
        // rr takes no flags: the new scheduler fails to build, after the real servers were already listed
        VirtualService next = before.toBuilder().scheduler("rr").schedulerFlags("sh-port").realServer(b).build();
        assertThatIllegalArgumentException().isThrownBy(() -> runtime.reconfigure(next))
                .withMessageContaining("sh-port");
        assertThat(runtime.service()).isSameAs(before);
        Flow flow = Flow.tcp(new InetSocketAddress("192.0.2.1", 4000), new InetSocketAddress("10.0.0.100", 80));
        for (int i = 0; i < 4; i++) {
            assertThat(runtime.pick(flow, null)).isSameAs(a); // b was never published to the running scheduler
        }
        runtime.close();
    }
}
