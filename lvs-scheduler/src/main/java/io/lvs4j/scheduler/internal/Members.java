package io.lvs4j.scheduler.internal;

import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import org.jspecify.annotations.Nullable;

/**
 * The IPVS destination list as the scanning schedulers see it: real servers in list order with their effective
 * weights, frozen at the last update. Counters and availability are read live from the real servers, or, for the
 * schedulers that scan all of them on every pick, from a {@link LoadMirror} of keys the real servers keep current.
 */
final class Members {

    static final Members EMPTY = new Members(new RealServer[0], new int[0]);

    final RealServer[] servers;
    final int[] weights;
    /** The servers' load keys in list order, or {@code null} when this table reads the servers themselves. */
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
     * The weighted-least-connection choice over {@code servers} with wlc's overhead (active × 256 + inactive) as the
     * load figure, exactly as IPVS's wlc and lblc scan: the first available server is the candidate, and a later one
     * replaces it when {@code candidateLoad × weight > load × candidateWeight}, so ties go to the earlier server.
     * Reads the real servers themselves (the {@code lblc} and {@code lblcr} tables, which have no mirror).
     */
    @Nullable RealServer leastLoaded() {
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
            long doh = rs.overhead();
            if (least == null || loh * w[i] > doh * lw) {
                least = rs;
                loh = doh;
                lw = w[i];
            }
        }
        return least;
    }

    /**
     * The choice of the rule this table's {@link LoadMirror} was built for ({@code lc}, {@code wlc}, {@code sed} or
     * {@code nq}): one pass over the mirror's keys. {@code null} when no server is available, or for a table without
     * a mirror (only the empty one among the schedulers that ask).
     */
    @Nullable RealServer leastFromMirror() {
        LoadMirror m = loads;
        if (m == null) {
            return null;
        }
        int i = m.least();
        return i < 0 ? null : servers[i];
    }

    /** Stops the real servers' copies into this table's mirror, if it has one. */
    void release() {
        LoadMirror m = loads;
        if (m != null) {
            m.close();
        }
    }
}
