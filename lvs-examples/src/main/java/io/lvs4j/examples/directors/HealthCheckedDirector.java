package io.lvs4j.examples.directors;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.forward.Director;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import io.lvs4j.health.HttpGet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP director as keepalived runs one: every real server is asked {@code GET /health} in a loop and leaves the
 * pool while it fails; when too few are left to carry the load (the quorum), every client goes to a sorry server
 * instead, until enough come back.
 *
 * <pre>
 * HealthCheckedDirector [LISTEN SORRY [REAL ...]]
 *     defaults: 127.0.0.1:8080 127.0.0.1:9000 127.0.0.1:9001 127.0.0.1:9002 127.0.0.1:9003
 * </pre>
 */
public final class HealthCheckedDirector implements AutoCloseable {

    /**
     * The live weight the service needs: with real servers of weight 1, two of them. A lone survivor would take the
     * whole load and fail its clients slowly; a sorry page fails them fast and honestly.
     */
    public static final int QUORUM = 2;

    private final Director director;
    private final HealthMonitor monitor;

    private HealthCheckedDirector(Director director, HealthMonitor monitor) {
        this.director = director;
        this.monitor = monitor;
    }

    /**
     * Serves {@code listen} over {@code realServers}, checking each every {@code checkInterval}, and sends clients to
     * {@code sorryServer} while fewer than {@link #QUORUM} pass.
     */
    public static HealthCheckedDirector start(InetSocketAddress listen, List<InetSocketAddress> realServers,
            InetSocketAddress sorryServer, Duration checkInterval) {
        VirtualService.Builder web = VirtualService.builder(Protocol.TCP, listen).scheduler("rr")
                .quorum(QUORUM).sorryServer(sorryServer);
        realServers.forEach(address -> web.realServer(RealServer.builder(address).build()));

        HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.builder()
                        .delayLoop(checkInterval)
                        .retry(0)   // fall already asks for two failures in a row; a retry would only add delay
                        .fall(2)    // one lost answer is not enough to drop a server ...
                        .rise(2)    // ... and one good answer not enough to trust a flapping one again
                        .build(),
                // a check of the application, not just of the port: a server whose process accepts connections
                // but no longer answers is taken out too
                CheckFactory.http(HttpGet.builder("/health").statusCodes("200-299")
                        .connectTimeout(Duration.ofSeconds(1)).build()));
        // The director watches the service with the monitor, but does not own it: closing is ours to do.
        Director director = Director.builder().virtualService(web.build()).healthMonitor(monitor).build();
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            director.close();
            monitor.close();
            throw e;
        }
        return new HealthCheckedDirector(director, monitor);
    }

    /** The running director, for its statistics and run-time changes. */
    public Director director() {
        return director;
    }

    /** Whether the service has its quorum (clients go to the real servers) or not (to the sorry server). */
    public boolean hasQuorum() {
        return monitor.hasQuorum(director.virtualServices().get(0));
    }

    /** Stops accepting, lets open connections finish (up to 10 s), then stops the health checks. */
    @Override
    public void close() {
        director.close();
        monitor.close();
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> a = List.of(args.length > 0 ? args : new String[] {
            "127.0.0.1:8080", "127.0.0.1:9000", "127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"});
        HealthCheckedDirector director = start(address(a.get(0)),
                a.stream().skip(2).map(HealthCheckedDirector::address).toList(), address(a.get(1)),
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
