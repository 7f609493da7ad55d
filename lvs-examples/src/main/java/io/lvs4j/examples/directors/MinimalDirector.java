package io.lvs4j.examples.directors;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.StatisticsTable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The smallest useful director: one TCP virtual service whose connections are spread over weighted real servers, as
 * {@code ipvsadm -A -t VIP -s wrr} and {@code ipvsadm -a ... -w WEIGHT} would set it up.
 *
 * <pre>
 * MinimalDirector [LISTEN [IP:PORT:WEIGHT ...]]      defaults: 127.0.0.1:8080 127.0.0.1:8081:3 127.0.0.1:8082:1
 * </pre>
 */
public final class MinimalDirector {

    private MinimalDirector() {
    }

    // snippet begin: minimal-director
    /** Serves {@code listen} over {@code realServers} until the returned director is closed. */
    public static Director start(InetSocketAddress listen, List<RealServer> realServers) {
        // wrr rather than the default wlc: with weights 3 and 1 every four new connections go a, a, a, b, whether
        // or not earlier ones are still open, which makes the split easy to see
        VirtualService web = VirtualService.builder(Protocol.TCP, listen).scheduler("wrr")
                .realServers(realServers).build();
        Director director = Director.builder().virtualService(web).build();
        director.start().toCompletableFuture().join(); // fails here if the address cannot be bound
        return director;
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> a = List.of(args.length > 0 ? args
                : new String[] {"127.0.0.1:8080", "127.0.0.1:8081:3", "127.0.0.1:8082:1"});
        List<RealServer> realServers = a.stream().skip(1).map(MinimalDirector::realServer).toList();
        Director director = start(address(a.get(0)), realServers);
        // A real server is a live object: realServers.get(1).setWeight(0) would make it quiescent at any time
        // (it keeps its connections and gets no new ones), with no restart.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // Ctrl-C
            System.out.print(StatisticsTable.format(director.statistics())); // as ipvsadm -L -n --stats --rate
            director.stop(Duration.ofSeconds(10)).toCompletableFuture().join(); // let open connections finish
        }));
        Thread.currentThread().join(); // serve until then
    }
    // snippet end

    /** {@code IP:PORT:WEIGHT}. */
    private static RealServer realServer(String ipPortWeight) {
        String[] p = ipPortWeight.split(":");
        return RealServer.of(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }

    /** {@code IP:PORT}; IPv4 only, to keep the example short (the library itself takes IPv6 as well). */
    private static InetSocketAddress address(String ipPort) {
        int colon = ipPort.lastIndexOf(':');
        return new InetSocketAddress(ipPort.substring(0, colon), Integer.parseInt(ipPort.substring(colon + 1)));
    }
}
