package io.lvs4j.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthCheck;
import java.net.InetSocketAddress;

/** Chooses the check for each real server of a watched virtual service (keepalived's per-real-server checker). */
@FunctionalInterface
public interface CheckFactory {

    /** The check that probes {@code realServer} of {@code service}. */
    HealthCheck checkFor(VirtualService service, RealServer realServer);

    /**
     * keepalived's {@code connect_ip}/{@code connect_port} for any check: {@code checks} probes {@code address}
     * instead of the real server's own address (the outcome still applies to the real server).
     */
    static CheckFactory connectTo(InetSocketAddress address, CheckFactory checks) {
        RealServer probe = RealServer.builder(address).build();
        return (service, realServer) -> {
            HealthCheck check = checks.checkFor(service, realServer);
            return target -> check.check(probe);
        };
    }

    /** The same check for every real server. */
    static CheckFactory always(HealthCheck check) {
        return (service, realServer) -> check;
    }
}
