package io.lvs4j.api.stats;

/**
 * Statistics of a virtual service or real server at one moment, as {@code ipvsadm -L -n --stats --rate} prints them.
 *
 * @param connections connections since start
 * @param inPackets packets from clients (UDP; 0 for TCP, whose segments a user-space proxy does not see)
 * @param outPackets packets to clients (UDP)
 * @param inBytes bytes from clients
 * @param outBytes bytes to clients
 * @param cps connections per second
 * @param inPps packets per second from clients
 * @param outPps packets per second to clients
 * @param inBps bytes per second from clients
 * @param outBps bytes per second to clients
 */
public record StatsSnapshot(long connections, long inPackets, long outPackets, long inBytes, long outBytes,
                            long cps, long inPps, long outPps, long inBps, long outBps) {

    /** All zero. */
    public static final StatsSnapshot ZERO = new StatsSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The field-by-field sum of this and {@code other}, for totals over several real servers. */
    public StatsSnapshot plus(StatsSnapshot other) {
        return new StatsSnapshot(connections + other.connections, inPackets + other.inPackets,
                outPackets + other.outPackets, inBytes + other.inBytes, outBytes + other.outBytes, cps + other.cps,
                inPps + other.inPps, outPps + other.outPps, inBps + other.inBps, outBps + other.outBps);
    }
}
