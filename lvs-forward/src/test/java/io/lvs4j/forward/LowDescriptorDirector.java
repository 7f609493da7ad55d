package io.lvs4j.forward;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A director for {@link DescriptorExhaustionTest}, run in a child JVM under a low {@code ulimit -n}: a TCP and a UDP
 * service on loopback towards the given real servers, with limits far above what the descriptors allow, so that the
 * process runs out of descriptors. Reads commands on stdin: {@code stats} prints one line of counters, {@code stop}
 * stops the director and exits.
 *
 * <p>Arguments: TCP_PORT TCP_REAL_PORT UDP_PORT UDP_REAL_PORT.
 */
public final class LowDescriptorDirector {

    private LowDescriptorDirector() {
    }

    public static void main(String[] args) throws Exception {
        VirtualService tcp = VirtualService.tcp("127.0.0.1", Integer.parseInt(args[0])).scheduler("rr")
                .realServer(RealServer.builder(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]))).build())
                .build();
        VirtualService udp = VirtualService.udp("127.0.0.1", Integer.parseInt(args[2])).scheduler("rr")
                .realServer(RealServer.builder(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[3]))).build())
                .build();
        Director director = Director.builder().virtualService(tcp).virtualService(udp).ioThreads(2)
                .maxConnections(100_000).maxFlows(100_000).udpTimeout(Duration.ofMinutes(5)).build();
        director.start().toCompletableFuture().join();
        // classes load from files: load what the stats command needs while descriptors are free
        String warm = stats(director, tcp, udp);
        System.out.println(warm.isEmpty() ? "" : "ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("stats")) {
                System.out.println(stats(director, tcp, udp));
                System.out.flush();
            } else if (line.equals("stop")) {
                break;
            }
        }
        director.stop(Duration.ZERO).toCompletableFuture().join();
        System.out.println("stopped");
        System.out.flush();
    }

    private static String stats(Director director, VirtualService tcp, VirtualService udp) {
        ServiceStatistics t = director.statistics().stream().filter(s -> s.address().equals(tcp.address())
                && s.protocol() == tcp.protocol()).findFirst().orElseThrow();
        ServiceStatistics u = director.statistics().stream().filter(s -> s.address().equals(udp.address())
                && s.protocol() == udp.protocol()).findFirst().orElseThrow();
        return "stats " + t.connections() + " " + t.acceptFailures() + " " + u.connections() + " "
                + u.droppedDatagrams() + " " + u.evictedFlows() + " " + ResourceProbe.openDescriptors();
    }
}
