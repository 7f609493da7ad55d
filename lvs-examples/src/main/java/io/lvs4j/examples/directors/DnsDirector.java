package io.lvs4j.examples.directors;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.forward.Director;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A UDP director for DNS servers, with one-packet scheduling (IPVS {@code ipvsadm -A -u VIP -o}, keepalived
 * {@code ops}) and keepalived's {@code DNS_CHECK}.
 *
 * <p>Why one-packet scheduling: a resolver sends all its queries from one socket, which is one UDP flow, and a
 * director normally keeps a flow on one real server until it has been idle for minutes. One busy resolver would then
 * load a single DNS server however many there are. With one-packet scheduling every query is scheduled on its own,
 * and its answer still goes back to the client that asked.
 *
 * <pre>
 * DnsDirector [LISTEN [SERVER ...]]      defaults: 127.0.0.1:5353 127.0.0.1:5301 127.0.0.1:5302
 * dig @127.0.0.1 -p 5353 example.org
 * </pre>
 */
public final class DnsDirector implements AutoCloseable {

    private final Director director;
    private final HealthMonitor monitor;

    private DnsDirector(Director director, HealthMonitor monitor) {
        this.director = director;
        this.monitor = monitor;
    }

    /**
     * Serves DNS on {@code listen} over {@code servers}, asking each for the root's SOA every {@code checkInterval}.
     */
    public static DnsDirector start(InetSocketAddress listen, List<InetSocketAddress> servers,
            Duration checkInterval) {
        VirtualService.Builder dns = VirtualService.builder(Protocol.UDP, listen).scheduler("rr").onePacket(true);
        servers.forEach(address -> dns.realServer(RealServer.builder(address).build()));
        // UDP has no connect to fail: without a check, a dead server would swallow its share of queries and the
        // resolvers would time out on them. SOA of "." is keepalived's default question; any server answers it.
        HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.builder()
                        .delayLoop(checkInterval).retry(0).fall(2).rise(2).build(),
                CheckFactory.dns("SOA", ".", Duration.ofSeconds(1)));
        Director director = Director.builder().virtualService(dns.build()).healthMonitor(monitor).build();
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            director.close();
            monitor.close();
            throw e;
        }
        return new DnsDirector(director, monitor);
    }

    /** The running director. */
    public Director director() {
        return director;
    }

    /** Stops the director (UDP has no connections to wait for), then the checks. */
    @Override
    public void close() {
        director.close();
        monitor.close();
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> a = List.of(args.length > 0 ? args
                : new String[] {"127.0.0.1:5353", "127.0.0.1:5301", "127.0.0.1:5302"});
        DnsDirector director = start(address(a.get(0)), a.stream().skip(1).map(DnsDirector::address).toList(),
                Duration.ofSeconds(2));
        Runtime.getRuntime().addShutdownHook(new Thread(director::close));
        Thread.currentThread().join(); // serve until Ctrl-C
    }

    /** {@code IP:PORT}; IPv4 only, to keep the example short (the library itself takes IPv6 as well). */
    private static InetSocketAddress address(String ipPort) {
        int colon = ipPort.lastIndexOf(':');
        return new InetSocketAddress(ipPort.substring(0, colon), Integer.parseInt(ipPort.substring(colon + 1)));
    }
}
