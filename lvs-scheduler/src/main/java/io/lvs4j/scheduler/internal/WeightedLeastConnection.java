package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code wlc}: the available real server with the least {@code overhead / weight}, ordered exactly as the
 * kernel's {@code a.overhead × b.weight > b.overhead × a.weight}; ties go to the earlier one in the list. The pick
 * scans the table's {@link LoadMirror}, whose keys the connection events compute.
 */
final class WeightedLeastConnection extends ScanScheduler {

    WeightedLeastConnection(SchedulerConfig config) {
        super("wlc", config, LoadMirror.Rule.WLC);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        return table().leastFromMirror();
    }
}
