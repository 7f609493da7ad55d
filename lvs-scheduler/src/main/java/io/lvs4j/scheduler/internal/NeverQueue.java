package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code nq}: the first available real server with no active connection; when every one is busy, the
 * {@code sed} choice.
 */
final class NeverQueue extends ScanScheduler {

    NeverQueue(SchedulerConfig config) {
        super("nq", config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Members m = table();
        RealServer[] s = m.servers;
        int[] w = m.weights;
        RealServer least = null;
        long loh = 0;
        long lw = 0;
        for (int i = 0; i < s.length; i++) {
            RealServer rs = s[i];
            if (!rs.isAvailable() || w[i] <= 0) {
                continue;
            }
            int active = rs.activeConnections();
            if (active == 0) {
                return rs;
            }
            long doh = active + 1L;
            if (least == null || loh * w[i] > doh * lw) {
                least = rs;
                loh = doh;
                lw = w[i];
            }
        }
        return least;
    }
}
