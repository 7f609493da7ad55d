package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code wrr}, the kernel's algorithm step for step: passes over the list with a current weight {@code cw} that
 * starts at {@code max − (gcd − 1)} and drops by the gcd each pass; a pass picks, in list order, the servers whose
 * weight is at least {@code cw}. Weights 4, 3, 2 give A A B A B C A B C.
 *
 * <p>The kernel keeps the position and {@code cw} under a lock; here both live in one {@link AtomicLong} and a pick
 * computes the next state and installs it by compare-and-set, so sequential picks give exactly the kernel's sequence.
 */
final class WeightedRoundRobin extends BaseScheduler<WeightedRoundRobin.Table> {

    private static final int HEAD = -1;

    /** Servers, their weights, the gcd step {@code di}, the start weight {@code mw} and the packed (cl, cw) mark. */
    static final class Table {
        final RealServer[] servers;
        final int[] weights;
        final int di;
        final int mw;
        final AtomicLong mark;

        Table(RealServer[] servers, int[] weights, int di, int mw, int cw) {
            this.servers = servers;
            this.weights = weights;
            this.di = di;
            this.mw = mw;
            this.mark = new AtomicLong(pack(HEAD, cw));
        }
    }

    WeightedRoundRobin(SchedulerConfig config) {
        super("wrr", config, new Table(new RealServer[0], new int[0], 1, 0, 0));
    }

    static long pack(int cl, int cw) {
        return ((long) cl << 32) | (cw & 0xffffffffL);
    }

    @Override
    protected Table build(RealServer[] servers, int[] weights, Table previous) {
        int g = gcdOfPositive(weights);
        int di = g == 0 ? 1 : g;
        int mw = max(weights) - (di - 1);
        // ip_vs_wrr_dest_changed: back to the list head, and cw kept in range
        int cw = (int) previous.mark.get();
        if (cw > mw || cw == 0) {
            cw = mw;
        } else if (di > 1) {
            cw = (cw / di) * di + 1;
        }
        return new Table(servers, weights, di, mw, cw);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Table t = table();
        RealServer[] s = t.servers;
        int[] w = t.weights;
        int n = s.length;
        for (;;) {
            long m = t.mark.get();
            int dest = (int) (m >> 32);
            int cw = (int) m;
            if (t.mw <= 0) {
                return null;
            }
            int last = dest;
            int stop = Integer.MIN_VALUE;
            boolean lastPass = false;
            boolean restarted = false;
            int found = Integer.MIN_VALUE;
            search:
            for (;;) {
                for (int i = dest + 1; i < n; i++) {
                    dest = i;
                    if (w[i] >= cw && s[i].isAvailable()) {
                        found = i;
                        break search;
                    }
                    if (i == stop) {
                        break search;
                    }
                }
                dest = HEAD;
                cw -= t.di;
                if (cw <= 0) {
                    cw = t.mw;
                    if (lastPass || last == HEAD) {
                        break;
                    }
                    restarted = true;
                }
                lastPass = cw <= t.di;
                if (lastPass && restarted && last != HEAD) {
                    stop = last;
                }
            }
            if (t.mark.compareAndSet(m, pack(dest, cw))) {
                return found == Integer.MIN_VALUE ? null : s[found];
            }
        }
    }
}
