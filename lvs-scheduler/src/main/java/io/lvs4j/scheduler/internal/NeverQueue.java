package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code nq}: the first available real server with no active connection; when every one is busy, the
 * {@code sed} choice.
 */
final class NeverQueue extends ScanScheduler {

    NeverQueue(SchedulerConfig config) {
        super("nq", config, LoadMirror.Rule.NQ);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        return table().leastFromMirror();
    }
}
