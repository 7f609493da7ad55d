package io.lvs4j.api.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Totals of connections, packets and bytes, updated concurrently by the forwarding engine. "In" is from clients
 * towards real servers, "out" the reverse, as in IPVS. Thread-safe; updates do not contend.
 */
public final class StatsCounters {

    private final LongAdder connections = new LongAdder();
    private final LongAdder inPackets = new LongAdder();
    private final LongAdder outPackets = new LongAdder();
    private final LongAdder inBytes = new LongAdder();
    private final LongAdder outBytes = new LongAdder();

    /** Counts one new connection. */
    public void addConnection() {
        connections.increment();
    }

    /** Counts bytes (and, for UDP, one packet) from a client towards a real server. */
    public void addIn(long bytes, long packets) {
        inBytes.add(bytes);
        if (packets != 0) {
            inPackets.add(packets);
        }
    }

    /** Counts bytes (and, for UDP, one packet) from a real server towards a client. */
    public void addOut(long bytes, long packets) {
        outBytes.add(bytes);
        if (packets != 0) {
            outPackets.add(packets);
        }
    }

    /** The totals now, with every rate 0; a {@link RateEstimator} supplies rates. */
    public StatsSnapshot totals() {
        return new StatsSnapshot(connections.sum(), inPackets.sum(), outPackets.sum(), inBytes.sum(), outBytes.sum(),
                0, 0, 0, 0, 0);
    }
}
