package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code sed}: the available real server with the least {@code (active + 1) / weight}, the expected delay of
 * one more connection; inactive connections do not count.
 */
final class ShortestExpectedDelay extends ScanScheduler {

    ShortestExpectedDelay(SchedulerConfig config) {
        super("sed", config, LoadMirror.Rule.SED);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        return table().leastFromMirror();
    }
}
