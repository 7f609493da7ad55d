package io.lvs4j.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthCheck;

/** Chooses the check for each real server of a watched virtual service (keepalived's per-real-server checker). */
@FunctionalInterface
public interface CheckFactory {

    /** The check that probes {@code realServer} of {@code service}. */
    HealthCheck checkFor(VirtualService service, RealServer realServer);

    /** The same check for every real server. */
    static CheckFactory always(HealthCheck check) {
        return (service, realServer) -> check;
    }
}
