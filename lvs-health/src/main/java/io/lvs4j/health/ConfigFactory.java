package io.lvs4j.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.util.Objects;

/**
 * Chooses how each real server is checked: keepalived sets {@code delay_loop} and {@code alpha} per virtual server,
 * and {@code retry}, {@code delay_before_retry}, {@code warmup} and {@code inhibit_on_failure} per real server or
 * checker. A monitor asks again after every check, so an answer that changes (a reloaded configuration) applies from
 * the next check on.
 */
@FunctionalInterface
public interface ConfigFactory {

    /** The settings of {@code realServer}'s checks in {@code service}. */
    HealthMonitorConfig configFor(VirtualService service, RealServer realServer);

    /** The same settings for every real server. */
    static ConfigFactory always(HealthMonitorConfig config) {
        Objects.requireNonNull(config, "config");
        return (service, realServer) -> config;
    }
}
