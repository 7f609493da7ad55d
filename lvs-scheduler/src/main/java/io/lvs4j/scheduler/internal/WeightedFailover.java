package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code fo}: the available real server with the highest weight; ties go to the earlier one in the list. The
 * others are standbys that take over, in weight order, when it fails or overloads.
 */
final class WeightedFailover extends ScanScheduler {

    WeightedFailover(SchedulerConfig config) {
        super("fo", config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Members m = table();
        RealServer[] s = m.servers;
        int[] w = m.weights;
        RealServer best = null;
        int hw = 0;
        for (int i = 0; i < s.length; i++) {
            if (w[i] > hw && s[i].isAvailable()) {
                best = s[i];
                hw = w[i];
            }
        }
        return best;
    }
}
