package io.lvs4j.examples.directors;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import io.lvs4j.forward.Director;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One of an active-standby pair of directors for one virtual address, kept by lvs4j's built-in failover (VRRP's
 * state machine over UDP, every advert authenticated with a shared key): the director with the higher priority is
 * master and binds the virtual address; the other listens to its adverts and takes the address over when they stop,
 * or at once when the master resigns on a graceful stop. Role changes are logged at INFO.
 *
 * <p>Run both on one host ({@code a} and {@code b} choose the two ends of the preset pair below):
 *
 * <pre>
 * head -c 32 /dev/urandom &gt; /tmp/lvs4j-example.key
 * ActiveStandbyDirector a|b [KEY_FILE [VIRTUAL [REAL ...]]]
 *     defaults: /tmp/lvs4j-example.key 127.0.0.1:8080 127.0.0.1:9001 127.0.0.1:9002
 * </pre>
 */
public final class ActiveStandbyDirector {

    /**
     * How often the master says it is alive. A standby takes over after about three missed adverts, so this sets
     * the outage a crashed master causes; keepalived's default is 1 s, a LAN carries 100 ms easily.
     */
    public static final Duration ADVERT_INTERVAL = Duration.ofMillis(100);

    /** The virtual router id: directors with the same id (and key) form one group, as in VRRP. */
    public static final int ROUTER_ID = 51;

    private ActiveStandbyDirector() {
    }

    /**
     * Joins the group as the node at {@code bind} with {@code priority}, exchanging adverts with {@code peer}, and
     * serves {@code virtualAddress} over {@code realServers} while master. Returns once the node has taken its first
     * role: a standby returns without binding anything.
     */
    public static Director start(InetSocketAddress virtualAddress, List<InetSocketAddress> realServers,
            InetSocketAddress bind, InetSocketAddress peer, int priority, byte[] key) {
        VirtualService.Builder web = VirtualService.builder(Protocol.TCP, virtualAddress).scheduler("rr");
        realServers.forEach(address -> web.realServer(RealServer.builder(address).build()));
        // Unicast to a known peer rather than multicast: it works on loopback and in clouds that drop multicast.
        // The key is what makes the adverts trustworthy: anyone on the network could otherwise send a higher
        // priority and take the address.
        VrrpFailover failover = VrrpFailover.create(VrrpConfig.builder(ROUTER_ID, bind)
                .priority(priority)
                .advertInterval(ADVERT_INTERVAL)
                .key(1, key)
                .peer(peer)
                .build());
        // The director binds the virtual address when the failover makes it master and lets it go when it stops
        // being master; stopping the director makes a master resign, so its peer takes over without a timeout.
        Director director = Director.builder().virtualService(web.build()).failover(failover).build();
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            director.close();
            throw e;
        }
        return director;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        boolean a = args.length == 0 || args[0].equals("a");
        // the preset pair: a is preferred (150 beats 100) and takes the address back when it returns
        InetSocketAddress self = address(a ? "127.0.0.51:5405" : "127.0.0.52:5405");
        InetSocketAddress peer = address(a ? "127.0.0.52:5405" : "127.0.0.51:5405");
        byte[] key = Files.readAllBytes(Path.of(args.length > 1 ? args[1] : "/tmp/lvs4j-example.key"));
        InetSocketAddress virtualAddress = address(args.length > 2 ? args[2] : "127.0.0.1:8080");
        List<InetSocketAddress> realServers = (args.length > 3 ? List.of(args).subList(3, args.length)
                : List.of("127.0.0.1:9001", "127.0.0.1:9002")).stream().map(ActiveStandbyDirector::address).toList();
        Director director = start(virtualAddress, realServers, self, peer, a ? 150 : 100, key);
        Runtime.getRuntime().addShutdownHook(new Thread(director::close)); // Ctrl-C: resign, then stop
        Thread.currentThread().join();
    }

    /** {@code IP:PORT}; IPv4 only, to keep the example short (the library itself takes IPv6 as well). */
    private static InetSocketAddress address(String ipPort) {
        int colon = ipPort.lastIndexOf(':');
        return new InetSocketAddress(ipPort.substring(0, colon), Integer.parseInt(ipPort.substring(colon + 1)));
    }
}
