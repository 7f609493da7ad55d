package io.lvs4j.scheduler.internal;

import io.lvs4j.api.RealServer;

/**
 * The IPVS destination list as the scanning schedulers see it: real servers in list order with their effective
 * weights, frozen at the last update. Counters and availability are read live from the real servers.
 */
final class Members {

    static final Members EMPTY = new Members(new RealServer[0], new int[0]);

    final RealServer[] servers;
    final int[] weights;

    Members(RealServer[] servers, int[] weights) {
        this.servers = servers;
        this.weights = weights;
    }

    /**
     * The weighted-least-connection choice over {@code servers} with {@code overhead} as the load figure, exactly as
     * IPVS's wlc, sed and lblc scan: the first available server is the candidate, and a later one replaces it when
     * {@code candidateLoad × weight > load × candidateWeight}, so ties go to the earlier server.
     *
     * @param sed use SED's overhead (active + 1) instead of wlc's (active × 256 + inactive)
     */
    @org.jspecify.annotations.Nullable RealServer leastLoaded(boolean sed) {
        RealServer[] s = servers;
        int[] w = weights;
        @org.jspecify.annotations.Nullable RealServer least = null;
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
}
