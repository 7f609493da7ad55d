package io.lvs4j.forward;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.stats.StatsSnapshot;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One virtual service's statistics, as {@code ipvsadm -L -n --stats --rate} shows them.
 *
 * @param protocol the protocol
 * @param address the virtual address
 * @param scheduler the scheduler's name
 * @param connections connections open now (client side)
 * @param totals totals and rates over the whole service
 * @param realServers one line per real server
 * @param persistenceTemplates live persistence templates ({@code ipvsadm -L -c} lists them); 0 when not persistent
 * @param evictedFlows UDP flows evicted to make room for new ones (the director's or the service's flow limit was
 *     reached), since start
 * @param droppedDatagrams UDP datagrams dropped because their flow's socket could not be opened or too many waited
 *     for it, since start
 * @param acceptFailures failed accepts (the process or system out of descriptors, EMFILE/ENFILE) and TCP connections
 *     closed because the socket to the real server could not be opened, since start
 * @param noServer TCP connections that found no real server (none available, or the quorum lost) and no sorry
 *     server, and were closed; UDP datagrams that found no real server and were dropped; since start
 * @param sorryServer TCP connections sent to the sorry server because no real server was available, since start
 */
public record ServiceStatistics(Protocol protocol, InetSocketAddress address, String scheduler, int connections,
                                StatsSnapshot totals, List<RealServerStatistics> realServers,
                                long persistenceTemplates, long evictedFlows, long droppedDatagrams,
                                long acceptFailures, long noServer, long sorryServer) {

    /** Copies the list. */
    public ServiceStatistics {
        realServers = List.copyOf(realServers);
    }

    /**
     * One real server's statistics.
     *
     * @param address the real server's address
     * @param weight its weight
     * @param state its health state
     * @param activeConnections active connections now
     * @param inactiveConnections inactive connections now
     * @param totals totals and rates
     * @param ejections times passive outlier detection ejected the server, since it joined the service
     */
    public record RealServerStatistics(InetSocketAddress address, int weight, RealServerState state,
                                       int activeConnections, int inactiveConnections, StatsSnapshot totals,
                                       long ejections) {
    }
}
