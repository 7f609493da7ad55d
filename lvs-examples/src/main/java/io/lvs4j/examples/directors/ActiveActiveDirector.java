package io.lvs4j.examples.directors;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.failover.zookeeper.RealServerRegistry;
import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import io.lvs4j.failover.zookeeper.ZooKeeperMembership;
import io.lvs4j.forward.Director;
import java.net.InetSocketAddress;
import java.util.SortedSet;
import org.apache.curator.framework.CuratorFramework;

/**
 * One of several directors that all serve at once, the scale-out model of Google's Maglev: a router spreads clients
 * over the directors (ECMP), and every director schedules with Maglev hashing ({@code mh}) over the same real
 * servers, which it learns from a ZooKeeper registry instead of a configuration file. Because {@code mh} builds its
 * table from the real servers in address order, every director maps a client to the same real server, so the router
 * may send a client's packets to any director, and directors can join or leave without moving anyone.
 *
 * <p>Real servers (or an agent beside each) register themselves with {@link #register}; a real server whose process
 * dies leaves the registry when its ZooKeeper session expires.
 *
 * <pre>
 * ActiveActiveDirector director [LISTEN [ZOOKEEPER [ID]]]
 *     defaults: 127.0.0.11:8080 127.0.0.1:2181 director-PID
 * ActiveActiveDirector realserver [ADDRESS [ZOOKEEPER [WEIGHT]]]
 *     defaults: 127.0.0.1:9001 127.0.0.1:2181 1
 * </pre>
 */
public final class ActiveActiveDirector implements AutoCloseable {

    /** The name directors and real servers meet under in ZooKeeper. */
    public static final String SERVICE = "web";

    private final CuratorFramework zooKeeper;
    private final Director director;
    private final ZooKeeperMembership members;
    private final Registration realServers;

    private ActiveActiveDirector(CuratorFramework zooKeeper, Director director, ZooKeeperMembership members,
            Registration realServers) {
        this.zooKeeper = zooKeeper;
        this.director = director;
        this.members = members;
        this.realServers = realServers;
    }

    /**
     * Serves {@code listen} as director {@code id} (unique among the directors) with the real servers registered in
     * the ZooKeeper ensemble {@code connectString}.
     */
    public static ActiveActiveDirector start(InetSocketAddress listen, String connectString, String id) {
        CuratorFramework zooKeeper = ZooKeeperConfig.builder(connectString).build().newClient();
        zooKeeper.start();
        // No real servers yet: the registry fills them in. No failover either: every director serves.
        VirtualService template = VirtualService.builder(Protocol.TCP, listen).scheduler("mh").build();
        Director director = Director.builder().virtualService(template).build();
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            director.close();
            zooKeeper.close();
            throw e;
        }
        // Each change of membership arrives as a new virtual service; putting it replaces the old one in place:
        // the listener stays bound and established connections continue.
        Registration realServers = RealServerRegistry.create(zooKeeper).watch(SERVICE, template,
                director::putVirtualService);
        // Not needed for scheduling: it tells each director (and an operator) which directors are live.
        ZooKeeperMembership members = ZooKeeperMembership.join(zooKeeper, SERVICE, id);
        return new ActiveActiveDirector(zooKeeper, director, members, realServers);
    }

    /**
     * Registers the real server at {@code address} with {@code weight} until the returned registration is closed (or
     * the process dies and its session expires).
     */
    public static Registration register(InetSocketAddress address, String connectString, int weight) {
        CuratorFramework zooKeeper = ZooKeeperConfig.builder(connectString).build().newClient();
        zooKeeper.start();
        RealServerRegistry.Entry entry = RealServerRegistry.create(zooKeeper).register(SERVICE, address, weight);
        return () -> {
            entry.close();
            zooKeeper.close();
        };
    }

    /** The running director. */
    public Director director() {
        return director;
    }

    /** The ids of the live directors, this one included. */
    public SortedSet<String> directors() {
        return members.members();
    }

    @Override
    public void close() {
        realServers.close();
        members.close();
        director.close();
        zooKeeper.close();
    }

    public static void main(String[] args) throws InterruptedException {
        boolean director = args.length == 0 || args[0].equals("director");
        String connectString = args.length > 2 ? args[2] : "127.0.0.1:2181";
        Runnable stop;
        if (director) {
            stop = start(address(args.length > 1 ? args[1] : "127.0.0.11:8080"), connectString,
                    args.length > 3 ? args[3] : "director-" + ProcessHandle.current().pid())::close;
        } else {
            stop = register(address(args.length > 1 ? args[1] : "127.0.0.1:9001"), connectString,
                    args.length > 3 ? Integer.parseInt(args[3]) : 1)::close;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop));
        Thread.currentThread().join();
    }

    /** {@code IP:PORT}; IPv4 only, to keep the example short (the library itself takes IPv6 as well). */
    private static InetSocketAddress address(String ipPort) {
        int colon = ipPort.lastIndexOf(':');
        return new InetSocketAddress(ipPort.substring(0, colon), Integer.parseInt(ipPort.substring(colon + 1)));
    }
}
