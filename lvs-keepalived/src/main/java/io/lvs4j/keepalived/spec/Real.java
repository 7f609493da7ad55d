package io.lvs4j.keepalived.spec;

import io.lvs4j.health.HealthMonitorConfig;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A real_server of a virtual service.
 *
 * @param address its address
 * @param weight weight
 * @param upperThreshold uthreshold, 0 for none
 * @param lowerThreshold lthreshold, 0 for none
 * @param notifyUp notify_up command, empty for none
 * @param notifyDown notify_down command, empty for none
 * @param checks its checkers; all must pass; none: always up
 * @param health how its checks run
 */
public record Real(InetSocketAddress address, int weight, int upperThreshold, int lowerThreshold,
        List<String> notifyUp, List<String> notifyDown, List<Check> checks, HealthMonitorConfig health) {

    /** Copies the lists. */
    public Real {
        notifyUp = List.copyOf(notifyUp);
        notifyDown = List.copyOf(notifyDown);
        checks = List.copyOf(checks);
    }
}
