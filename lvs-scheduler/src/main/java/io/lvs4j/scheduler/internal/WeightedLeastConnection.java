package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code wlc}: the available real server with the least {@code overhead / weight}, compared without division
 * ({@code a.overhead × b.weight > b.overhead × a.weight}); ties go to the earlier one in the list.
 */
final class WeightedLeastConnection extends ScanScheduler {

    WeightedLeastConnection(SchedulerConfig config) {
        super("wlc", config, true);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        return table().leastLoaded(false);
    }
}
