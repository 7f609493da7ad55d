package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code twos} (power of two choices), as the kernel does it: two weighted random draws over the available real
 * servers by a linear scan, keeping the one with the lower {@code overhead / weight}. For the O(1) variant, use
 * {@code p2c}.
 */
final class TwoChoices extends ScanScheduler {

    private final Randoms random;

    TwoChoices(SchedulerConfig config) {
        super("twos", config);
        this.random = new Randoms(config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Members m = table();
        RealServer[] s = m.servers;
        int[] w = m.weights;
        long total = 0;
        RealServer any = null;
        for (int i = 0; i < s.length; i++) {
            if (w[i] > 0 && s[i].isAvailable()) {
                total += w[i];
                any = s[i];
            }
        }
        if (any == null) {
            return null;
        }
        // The kernel draws in [0, total] inclusive, so the first server's share is one larger.
        int bound = (int) Math.min(Integer.MAX_VALUE, total + 1);
        long r1 = random.nextInt(bound);
        long r2 = random.nextInt(bound);
        RealServer c1 = null;
        RealServer c2 = null;
        long w1 = -1;
        long w2 = -1;
        long o1 = 0;
        long o2 = 0;
        for (int i = 0; i < s.length && (w1 == -1 || w2 == -1); i++) {
            if (w[i] <= 0 || !s[i].isAvailable()) {
                continue;
            }
            r1 -= w[i];
            r2 -= w[i];
            if (r1 <= 0 && w1 == -1) {
                c1 = s[i];
                w1 = w[i];
                o1 = s[i].overhead();
            }
            if (r2 <= 0 && w2 == -1) {
                c2 = s[i];
                w2 = w[i];
                o2 = s[i].overhead();
            }
        }
        if (c1 == null) {
            return any; // a server went unavailable between the two scans
        }
        if (c2 != null && w2 * o1 > w1 * o2) {
            return c2;
        }
        return c1;
    }
}
