package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code ovf}: the available real server with the highest weight whose active connections do not exceed its
 * weight; ties go to the earlier one. Traffic overflows to the next-heaviest server once the heaviest is "full".
 */
final class WeightedOverflow extends ScanScheduler {

    WeightedOverflow(SchedulerConfig config) {
        super("ovf", config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Members m = table();
        RealServer[] s = m.servers;
        int[] w = m.weights;
        RealServer best = null;
        int hw = 0;
        for (int i = 0; i < s.length; i++) {
            RealServer rs = s[i];
            if (w[i] <= 0 || !rs.isAvailable() || rs.activeConnections() > w[i]) {
                continue;
            }
            if (best == null || w[i] > hw) {
                best = rs;
                hw = w[i];
            }
        }
        return best;
    }
}
