package io.lvs4j.api.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;

/** What a {@link HealthMonitor} reports: real servers going up or down, and quorum lost or regained. */
public sealed interface HealthEvent {

    /** The virtual service the event concerns. */
    VirtualService service();

    /** {@code realServer} passed enough checks (rise) to be put back in service. */
    record RealServerUp(VirtualService service, RealServer realServer, String detail) implements HealthEvent {
    }

    /** {@code realServer} failed enough checks (fall) to be taken out of service. */
    record RealServerDown(VirtualService service, RealServer realServer, String detail) implements HealthEvent {
    }

    /** The live weight of {@code service} reached its quorum again. */
    record QuorumUp(VirtualService service, int liveWeight) implements HealthEvent {
    }

    /** The live weight of {@code service} fell below its quorum; the sorry server takes over if there is one. */
    record QuorumLost(VirtualService service, int liveWeight) implements HealthEvent {
    }
}
