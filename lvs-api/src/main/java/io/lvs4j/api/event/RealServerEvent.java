package io.lvs4j.api.event;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;

/**
 * A change of a {@link RealServer}'s weight, health state, ejection or drain. Schedulers rebuild their pickers on these
 * events.
 */
public sealed interface RealServerEvent {

    /** The real server that changed. */
    RealServer realServer();

    /** The weight changed from {@code previous} to {@code current}. */
    record WeightChanged(RealServer realServer, int previous, int current) implements RealServerEvent {
    }

    /** Passive outlier detection ejected the server ({@code ejected}) or let it back. */
    record EjectionChanged(RealServer realServer, boolean ejected) implements RealServerEvent {
    }

    /** An operator started ({@code draining}) or ended a drain. */
    record DrainChanged(RealServer realServer, boolean draining) implements RealServerEvent {
    }

    /** The health state changed from {@code previous} to {@code current}. */
    record StateChanged(RealServer realServer, RealServerState previous, RealServerState current)
            implements RealServerEvent {
    }
}
