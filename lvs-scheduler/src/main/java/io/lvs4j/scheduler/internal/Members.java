package io.lvs4j.scheduler.internal;

import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import org.jspecify.annotations.Nullable;

/**
 * The IPVS destination list as the scanning schedulers see it: real servers in list order with their effective
 * weights, frozen at the last update. Counters and availability are read live from the real servers, or, for the
 * schedulers that scan all of them on every pick, from a {@link LoadMirror} the real servers keep current.
 */
final class Members {

    static final Members EMPTY = new Members(new RealServer[0], new int[0]);

    final RealServer[] servers;
    final int[] weights;
    /** The servers' load words in list order, or {@code null} when this table reads the servers themselves. */
    final @Nullable LoadMirror loads;

    Members(RealServer[] servers, int[] weights) {
        this(servers, weights, null);
    }

    Members(RealServer[] servers, int[] weights, @Nullable LoadMirror loads) {
        this.servers = servers;
        this.weights = weights;
        this.loads = loads;
    }

    /**
     * The weighted-least-connection choice over {@code servers} with {@code overhead} as the load figure, exactly as
     * IPVS's wlc, sed and lblc scan: the first available server is the candidate, and a later one replaces it when
     * {@code candidateLoad × weight > load × candidateWeight}, so ties go to the earlier server.
     *
     * @param sed use SED's overhead (active + 1) instead of wlc's (active × 256 + inactive)
     */
    @Nullable RealServer leastLoaded(boolean sed) {
        LoadMirror m = loads;
        if (m != null) {
            return leastLoaded(m, sed);
        }
        RealServer[] s = servers;
        int[] w = weights;
        @Nullable RealServer least = null;
        long loh = 0;
        long lw = 0;
        for (int i = 0; i < s.length; i++) {
            RealServer rs = s[i];
            if (!rs.isAvailable() || w[i] <= 0) {
                continue;
            }
            long doh = sed ? rs.activeConnections() + 1L : rs.overhead();
            if (least == null || loh * w[i] > doh * lw) {
                least = rs;
                loh = doh;
                lw = w[i];
            }
        }
        return least;
    }

    /** {@link #leastLoaded(boolean)} over the mirrored words: the same rule, one {@code long} read per server. */
    private @Nullable RealServer leastLoaded(LoadMirror m, boolean sed) {
        int[] w = weights;
        int n = Math.min(w.length, m.size());
        int least = -1;
        long loh = 0;
        long lw = 0;
        for (int i = 0; i < n; i++) {
            long word = m.word(i);
            int wi = w[i];
            if (word < 0 || wi <= 0) {
                continue;
            }
            long doh = sed ? LoadMirror.active(word) + 1L : LoadMirror.overhead(word);
            if (least < 0 || loh * wi > doh * lw) {
                least = i;
                loh = doh;
                lw = wi;
            }
        }
        return least < 0 ? null : servers[least];
    }

    /** The least-overhead available server, ties to the earlier one (IPVS {@code lc}), from the mirrored words. */
    @Nullable RealServer leastOverhead(LoadMirror m) {
        int n = m.size();
        int least = -1;
        int loh = 0;
        for (int i = 0; i < n; i++) {
            long word = m.word(i);
            if (word < 0) {
                continue;
            }
            int doh = LoadMirror.overhead(word);
            if (least < 0 || doh < loh) {
                least = i;
                loh = doh;
            }
        }
        return least < 0 ? null : servers[least];
    }

    /** The first available server with a positive weight and no active connection (IPVS {@code nq}'s shortcut). */
    @Nullable RealServer firstIdle() {
        LoadMirror m = loads;
        if (m == null) {
            return null; // only the empty table has no mirror among the schedulers that ask
        }
        int[] w = weights;
        int n = Math.min(w.length, m.size());
        for (int i = 0; i < n; i++) {
            long word = m.word(i);
            if (word >= 0 && w[i] > 0 && LoadMirror.active(word) == 0) {
                return servers[i];
            }
        }
        return null;
    }

    /** Stops the real servers' copies into this table's mirror, if it has one. */
    void release() {
        LoadMirror m = loads;
        if (m != null) {
            m.close();
        }
    }
}
