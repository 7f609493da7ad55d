package io.lvs4j.examples.directors;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.failover.zookeeper.RealServerRegistry;
import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import io.lvs4j.failover.zookeeper.ZooKeeperMembership;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.DirectorBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * One of several directors that all serve at once, the scale-out model of Google's Maglev: a router spreads clients
 * over the directors (ECMP), and every director schedules with Maglev hashing ({@code mh}) over the same real
 * servers, which it learns from a ZooKeeper registry instead of a configuration file. Because {@code mh} builds its
 * table from the real servers in address order, every director maps a client to the same real server, so the router
 * may send a client's packets to any director, and directors can join or leave without moving a client to another
 * real server. A TCP connection that the router moves to another director is reset all the same (a full proxy has no
 * socket for it); a UDP flow continues. {@code docs/scale-out.md} measures both.
 *
 * <p>Real servers (or an agent beside each) register themselves with {@link #register}; a real server whose process
 * dies leaves the registry when its ZooKeeper session expires. A director joins the group's membership (which a
 * router controller such as {@link NexthopGroupController} turns into routes) only once it has read the registry, so
 * the router never sends clients to a director that has no real servers yet.
 *
 * <p>With {@code udp}, the director also serves UDP on the same address and port, over the same registered real
 * servers (each serving both protocols on its port, as a DNS server does); {@code mh} sends each UDP flow to the same
 * real server on every director, so a flow that the router moves to another director keeps its real server.
 *
 * <pre>
 * ActiveActiveDirector director [LISTEN [ZOOKEEPER [ID [SESSION_MS [udp]]]]]
 *     defaults: 127.0.0.11:8080 127.0.0.1:2181 director-PID 6000 (TCP only)
 * ActiveActiveDirector realserver [ADDRESS[,ADDRESS...] [ZOOKEEPER [WEIGHT]]]
 *     defaults: 127.0.0.1:9001 127.0.0.1:2181 1
 * </pre>
 */
public final class ActiveActiveDirector implements AutoCloseable {

    /** The name directors and real servers meet under in ZooKeeper. */
    public static final String SERVICE = "web";

    private final CuratorFramework zooKeeper;
    private final Director director;
    private final ZooKeeperMembership members;
    private final List<Registration> realServers;

    private ActiveActiveDirector(CuratorFramework zooKeeper, Director director, ZooKeeperMembership members,
            List<Registration> realServers) {
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
        return start(listen, ZooKeeperConfig.builder(connectString).build(), id, false);
    }

    /**
     * Serves {@code listen} (TCP, and UDP too when {@code udp}) as director {@code id} with the real servers
     * registered in the ZooKeeper ensemble of {@code zk}; joins the membership once the registry has been read.
     */
    public static ActiveActiveDirector start(InetSocketAddress listen, ZooKeeperConfig zk, String id, boolean udp) {
        CuratorFramework zooKeeper = zk.newClient();
        zooKeeper.start();
        // No real servers yet: the registry fills them in. No failover either: every director serves.
        List<VirtualService> templates = new ArrayList<>();
        templates.add(VirtualService.builder(Protocol.TCP, listen).scheduler("mh").build());
        if (udp) {
            templates.add(VirtualService.builder(Protocol.UDP, listen).scheduler("mh").build());
        }
        DirectorBuilder builder = Director.builder();
        templates.forEach(builder::virtualService);
        Director director = builder.build();
        List<Registration> realServers = new ArrayList<>();
        try {
            director.start().toCompletableFuture().join();
            // Each change of membership arrives as a new virtual service; putting it replaces the old one in place:
            // the listener stays bound and established connections continue.
            CountDownLatch read = new CountDownLatch(templates.size());
            for (VirtualService template : templates) {
                realServers.add(RealServerRegistry.create(zooKeeper).watch(SERVICE, template, vs -> {
                    director.putVirtualService(vs);
                    read.countDown();
                }));
            }
            if (!read.await(zk.connectionTimeout().toMillis() + zk.sessionTimeout().toMillis(),
                    TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("cannot read the real-server registry at " + zk.connectString());
            }
        } catch (RuntimeException | InterruptedException e) {
            realServers.forEach(Registration::close);
            director.close();
            zooKeeper.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the registry", e);
            }
            throw (RuntimeException) e;
        }
        // Tells each director, an operator, and the routers' controller which directors are live.
        ZooKeeperMembership members = ZooKeeperMembership.join(zooKeeper, SERVICE, id);
        return new ActiveActiveDirector(zooKeeper, director, members, List.copyOf(realServers));
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
        members.close(); // first: the routers stop sending new clients here
        realServers.forEach(Registration::close);
        director.close();
        zooKeeper.close();
    }

    public static void main(String[] args) throws InterruptedException {
        boolean director = args.length == 0 || args[0].equals("director");
        String connectString = args.length > 2 ? args[2] : "127.0.0.1:2181";
        Runnable stop;
        if (director) {
            ZooKeeperConfig zk = ZooKeeperConfig.builder(connectString).sessionTimeout(Duration.ofMillis(
                    args.length > 4 ? Long.parseLong(args[4]) : ZooKeeperConfig.DEFAULT_SESSION_TIMEOUT.toMillis()))
                    .build();
            stop = start(address(args.length > 1 ? args[1] : "127.0.0.11:8080"), zk,
                    args.length > 3 ? args[3] : "director-" + ProcessHandle.current().pid(),
                    args.length > 5 && args[5].equals("udp"))::close;
        } else {
            int weight = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            List<Registration> entries = new ArrayList<>();
            for (String a : (args.length > 1 ? args[1] : "127.0.0.1:9001").split(",")) {
                entries.add(register(address(a), connectString, weight));
            }
            stop = () -> entries.forEach(Registration::close);
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
