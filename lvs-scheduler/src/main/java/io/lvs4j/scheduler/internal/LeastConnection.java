package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/** IPVS {@code lc}: the available real server with the least overhead; ties go to the earlier one in the list. */
final class LeastConnection extends ScanScheduler {

    LeastConnection(SchedulerConfig config) {
        super("lc", config, LoadMirror.Rule.LC);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        return table().leastFromMirror();
    }
}
