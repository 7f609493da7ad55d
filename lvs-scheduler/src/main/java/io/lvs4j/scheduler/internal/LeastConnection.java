package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/** IPVS {@code lc}: the available real server with the least overhead; ties go to the earlier one in the list. */
final class LeastConnection extends ScanScheduler {

    LeastConnection(SchedulerConfig config) {
        super("lc", config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        RealServer[] s = table().servers;
        RealServer least = null;
        int loh = 0;
        for (RealServer rs : s) {
            if (!rs.isAvailable()) {
                continue;
            }
            int doh = rs.overhead();
            if (least == null || doh < loh) {
                least = rs;
                loh = doh;
            }
        }
        return least;
    }
}
