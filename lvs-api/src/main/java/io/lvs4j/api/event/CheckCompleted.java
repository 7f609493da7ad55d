package io.lvs4j.api.event;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.time.Duration;
import java.util.Objects;

/**
 * One health check of a real server ended: what a {@link io.lvs4j.api.health.HealthMonitor} publishes to its
 * {@linkplain io.lvs4j.api.health.HealthMonitor#onCheck check listeners} after every check it runs, retries included
 * (keepalived's checkers log these at debug level). A failed check need not change the server's state: that takes
 * {@code fall} counted failures in a row; the state changes themselves are {@link io.lvs4j.api.health.HealthEvent}s.
 *
 * @param service the virtual service whose real server was checked
 * @param realServer the real server checked
 * @param passed whether the check passed
 * @param latency from the start of the check to its result (a timeout: about the check's connect timeout)
 * @param detail the check's own words: the answer's detail when it passed, the cause when it failed
 */
public record CheckCompleted(VirtualService service, RealServer realServer, boolean passed, Duration latency,
                             String detail) {

    /** Checks that nothing is null and the latency is not negative. */
    public CheckCompleted {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(realServer, "realServer");
        Objects.requireNonNull(detail, "detail");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative but was " + latency);
        }
    }
}
