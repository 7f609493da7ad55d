package io.lvs4j.forward;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.stats.StatsSnapshot;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Renders statistics the way {@code ipvsadm -L -n --stats --rate} lays them out, with lvs4j's extra columns (weight,
 * active and inactive connections, health state) on the real-server lines. A service that has hit a resource limit
 * gets one more line, {@code limits: N flows evicted, N datagrams dropped, N failed accepts}.
 */
public final class StatisticsTable {

    private StatisticsTable() {
    }

    /** The table as text, one line per service and real server, ending with a newline. */
    public static String format(List<ServiceStatistics> services) {
        return format(services, (service, realServer) -> realServer.state().name());
    }

    /**
     * The table with the State column written by {@code state} (an embedding's own words, such as an operator's
     * DRAIN or MAINT beside the health state).
     */
    public static String format(List<ServiceStatistics> services,
            BiFunction<ServiceStatistics, ServiceStatistics.RealServerStatistics, String> state) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-4s %-28s %-6s %6s %8s %8s %12s %12s %7s %10s %10s%n", "Prot", "LocalAddress:Port",
                "Sched", "Conns", "ActConn", "InActConn", "InBytes", "OutBytes", "CPS", "InBPS", "OutBPS"));
        sb.append(String.format("  -> %-26s %-6s %6s %8s %8s %12s %12s %7s %10s %10s  %s%n", "RemoteAddress:Port",
                "Weight", "Conns", "ActConn", "InActConn", "InBytes", "OutBytes", "CPS", "InBPS", "OutBPS", "State"));
        for (ServiceStatistics s : services) {
            StatsSnapshot t = s.totals();
            int active = s.realServers().stream().mapToInt(ServiceStatistics.RealServerStatistics::activeConnections)
                    .sum();
            int inactive = s.realServers().stream()
                    .mapToInt(ServiceStatistics.RealServerStatistics::inactiveConnections).sum();
            sb.append(String.format("%-4s %-28s %-6s %6d %8d %8d %12d %12d %7d %10d %10d%n", s.protocol(),
                    address(s.address()), s.scheduler(), t.connections(), active, inactive, t.inBytes(),
                    t.outBytes(), t.cps(), t.inBps(), t.outBps()));
            for (ServiceStatistics.RealServerStatistics r : s.realServers()) {
                StatsSnapshot rt = r.totals();
                sb.append(String.format("  -> %-26s %-6d %6d %8d %8d %12d %12d %7d %10d %10d  %s%n",
                        address(r.address()), r.weight(), rt.connections(), r.activeConnections(),
                        r.inactiveConnections(), rt.inBytes(), rt.outBytes(), rt.cps(), rt.inBps(), rt.outBps(),
                        state.apply(s, r)));
            }
            if (s.evictedFlows() > 0 || s.droppedDatagrams() > 0 || s.acceptFailures() > 0) {
                sb.append(String.format("  limits: %d flows evicted, %d datagrams dropped, %d failed accepts%n",
                        s.evictedFlows(), s.droppedDatagrams(), s.acceptFailures()));
            }
        }
        return sb.toString();
    }

    private static String address(InetSocketAddress a) {
        return Addresses.format(a);
    }
}
