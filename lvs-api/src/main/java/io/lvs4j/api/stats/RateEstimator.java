package io.lvs4j.api.stats;

/**
 * IPVS's rate estimator ({@code ip_vs_est.c}): call {@link #estimate} every {@value #INTERVAL_SECONDS} seconds with
 * the current totals; each rate moves a quarter of the way towards the rate of the last interval (an EWMA with weight
 * 1/4), in the same fixed-point arithmetic as the kernel, so figures match {@code ipvsadm --rate}.
 *
 * <p>Thread-safe: {@link #estimate} and {@link #snapshot} may run on different threads.
 */
public final class RateEstimator {

    /** The interval between estimates, in seconds: {@value}. */
    public static final int INTERVAL_SECONDS = 2;

    private long lastConnections;
    private long lastInPackets;
    private long lastOutPackets;
    private long lastInBytes;
    private long lastOutBytes;
    // Scaled as in the kernel: cps and pps by 2^10, bps by 2^5.
    private long cps;
    private long inPps;
    private long outPps;
    private long inBps;
    private long outBps;
    private boolean started;

    /**
     * Folds in the totals at the end of an interval. The first call only records the starting totals.
     */
    public synchronized void estimate(StatsSnapshot totals) {
        if (started) {
            cps += (((totals.connections() - lastConnections) << 9) - cps) >> 2;
            inPps += (((totals.inPackets() - lastInPackets) << 9) - inPps) >> 2;
            outPps += (((totals.outPackets() - lastOutPackets) << 9) - outPps) >> 2;
            inBps += (((totals.inBytes() - lastInBytes) << 4) - inBps) >> 2;
            outBps += (((totals.outBytes() - lastOutBytes) << 4) - outBps) >> 2;
        }
        started = true;
        lastConnections = totals.connections();
        lastInPackets = totals.inPackets();
        lastOutPackets = totals.outPackets();
        lastInBytes = totals.inBytes();
        lastOutBytes = totals.outBytes();
    }

    /** {@code totals} with the current rates, rounded as the kernel rounds them. */
    public synchronized StatsSnapshot snapshot(StatsSnapshot totals) {
        return new StatsSnapshot(totals.connections(), totals.inPackets(), totals.outPackets(), totals.inBytes(),
                totals.outBytes(), (cps + 0x1FF) >> 10, (inPps + 0x1FF) >> 10, (outPps + 0x1FF) >> 10,
                (inBps + 0xF) >> 5, (outBps + 0xF) >> 5);
    }
}
