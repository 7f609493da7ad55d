package io.lvs4j.forward.internal;

import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.FailoverHandover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.forward.DirectorConfig;
import io.lvs4j.forward.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A director's part in a hitless upgrade ({@link io.lvs4j.forward.DirectorBuilder#adoptFrom} and
 * {@link io.lvs4j.forward.DirectorBuilder#handoverSocket}): at start it takes the listeners of a predecessor, binds
 * what it did not get, tells the predecessor it serves, then offers its own listeners to a successor; once a
 * successor serves on them, it stops accepting and drains. The wire exchange is {@link Handover}'s. With a failover
 * (one whose {@link Failover#handover()} is not null), its socket and state travel too: the successor starts it in
 * the predecessor's role (a master binds the adopted listeners first), and the predecessor lets go of it without
 * resigning, so the failover's peers see no role change.
 */
final class DirectorHandover {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorHandover.class);
    /** How long a successor retries binding what a predecessor that died midway held. */
    static final long REBIND_MILLIS = 2000;
    /** How long a successor waits for its predecessor's QUIET before it starts its failover anyway. */
    static final Duration QUIET_TIMEOUT = Duration.ofMillis(500);

    private final DefaultDirector director;
    private final DirectorConfig config;
    private final Transport transport;
    private final CompletableFuture<Void> handedOver = new CompletableFuture<>();
    private final CompletableFuture<Void> successorServing = new CompletableFuture<>();
    private volatile Handover.@Nullable Giver giver;
    private volatile boolean closed;

    private DirectorHandover(DefaultDirector director, DirectorConfig config, Transport transport) {
        this.director = director;
        this.config = config;
        this.transport = transport;
    }

    /**
     * The handover part of a director with {@code config}, or null when it has none.
     *
     * @throws IllegalArgumentException when the configuration cannot hand over: a failover that cannot be handed
     *     over, or a transport that cannot pass or adopt a socket
     */
    static @Nullable DirectorHandover of(DefaultDirector director, DirectorConfig config) {
        if (config.handoverSocket() == null && config.adoptFrom() == null) {
            return null;
        }
        Failover failover = config.failover();
        if (failover != null && failover.handover() == null) {
            throw new IllegalArgumentException("handoverSocket and adoptFrom need a failover that can be handed over "
                    + "(Failover.handover()), but " + failover.getClass().getName() + " returns none");
        }
        Transport t = config.transport();
        if (t == Transport.NIO) {
            throw new IllegalArgumentException("transport NIO cannot hand over or adopt a socket (Java exposes no "
                    + "descriptor); use AUTO or EPOLL with handoverSocket and adoptFrom");
        }
        if (t == Transport.IO_URING && config.adoptFrom() != null) {
            throw new IllegalArgumentException("transport IO_URING cannot adopt a socket (Netty 4.2.18's "
                    + "IoUringServerSocketChannel takes no descriptor); use AUTO or EPOLL with adoptFrom");
        }
        return new DirectorHandover(director, config, t == Transport.AUTO ? Transport.EPOLL : t);
    }

    /** The transport: epoll for AUTO, whatever the system property says, since only epoll adopts a socket. */
    IoTransport transport() {
        return IoTransport.of(transport);
    }

    /** Takes over from the predecessor (if any), binds the rest, then offers the listeners to a successor. */
    CompletionStage<Void> start() {
        Path from = config.adoptFrom();
        Path to = config.handoverSocket();
        try {
            if (to != null) {
                Handover.requireEpoll("handoverSocket");
                Handover.checkDirectory("handoverSocket", to); // before a predecessor lets go of anything
            }
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<ServiceRuntime> runtimes = new ArrayList<>(director.services().values());
        List<String> names = new ArrayList<>();
        runtimes.forEach(r -> names.add(Handover.name(ServiceKey.of(r.service()))));
        Failover failover = config.failover();
        CompletableFuture<Handover.Taken> taken = from == null ? CompletableFuture.completedFuture(Handover.Taken.none())
                : Handover.take(from, names, Handover.TIMEOUT, failover != null);
        return taken.thenCompose(t -> (failover == null ? bindAll(runtimes, t)
                : startFailover(failover, runtimes, t)).whenComplete((v, e) -> {
            if (e == null) {
                t.serving();
            }
            t.close();
        })).thenRun(this::offer);
    }

    /**
     * Starts the failover: in the predecessor's role on its socket when they came (a master's adopted listeners are
     * bound first, so that it serves as it advertises), else as a new node.
     */
    private CompletableFuture<Void> startFailover(Failover failover, List<ServiceRuntime> runtimes,
                                                  Handover.Taken taken) {
        Integer fd = taken.fds.remove(Handover.FAILOVER);
        String state = taken.failoverState;
        if (fd == null || state == null) {
            if (fd != null) {
                Handover.closeQuietly(fd);
            }
            return director.startFailover(failover).toCompletableFuture();
        }
        FailoverHandover h = java.util.Objects.requireNonNull(failover.handover(), "handover");
        Role role;
        try {
            role = h.adopt(fd, state);
        } catch (RuntimeException e) {
            Handover.closeQuietly(fd);
            return CompletableFuture.failedFuture(new IllegalStateException("cannot adopt the predecessor's "
                    + "failover: " + e.getMessage(), e));
        }
        CompletableFuture<Void> listeners = role == Role.MASTER ? bindAll(runtimes, taken) : CompletableFuture.completedFuture(null);
        // the predecessor advertised while this director adopted the listeners: it stops just before this one starts
        return listeners.thenCompose(v -> taken.quiet(QUIET_TIMEOUT)).thenCompose(v -> director.startFailover(failover));
    }

    private CompletableFuture<Void> bindAll(List<ServiceRuntime> runtimes, Handover.Taken taken) {
        List<CompletableFuture<Void>> binds = new ArrayList<>();
        int adopted = 0;
        for (ServiceRuntime r : runtimes) {
            Integer fd = taken.fds.remove(Handover.name(ServiceKey.of(r.service())));
            if (fd != null) {
                adopted++;
                binds.add(director.bind(r, fd));
            } else {
                binds.add(taken.predecessorGone ? rebind(r, System.nanoTime()
                        + TimeUnit.MILLISECONDS.toNanos(REBIND_MILLIS)) : director.bind(r, -1));
            }
        }
        if (adopted > 0) {
            LOG.info("adopted {} listener(s) from {}", adopted, config.adoptFrom());
        }
        return CompletableFuture.allOf(binds.toArray(new CompletableFuture<?>[0]))
                .thenRun(() -> director.setServing(true));
    }

    /** Binds, retrying while a predecessor that died midway may still hold the address. */
    private CompletableFuture<Void> rebind(ServiceRuntime r, long deadline) {
        return director.bind(r, -1).handle((v, e) -> {
            if (e == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (System.nanoTime() - deadline > 0 || closed) {
                return CompletableFuture.<Void>failedFuture(e);
            }
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(DefaultDirector.BIND_RETRY_MILLIS, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> rebind(r, deadline));
        }).thenCompose(f -> f);
    }

    /** Listens for a successor, if configured; a failure leaves the director serving, without handover. */
    private void offer() {
        Path to = config.handoverSocket();
        if (to == null || closed) {
            return;
        }
        try {
            Failover failover = config.failover();
            giver = new Handover.Giver(to, this::listeners, failover == null ? null : failover.handover(),
                    this::drain, Handover.TIMEOUT, Handover.ownUid());
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot listen for a successor at {}: {}; serving on without handover", to, e.toString());
        }
    }

    /** The listeners to hand over, by name; fails with the reason when they cannot be. */
    private Map<String, Integer> listeners() {
        Map<String, Integer> fds = new LinkedHashMap<>();
        for (ServiceRuntime r : director.services().values()) {
            Channel l = r.listener;
            if (l == null || !l.isOpen()) {
                throw new IllegalStateException(r.service().name() + " is not bound here");
            }
            if (!(l instanceof UnixChannel u)) {
                throw new IllegalStateException(r.service().name() + " runs on a transport that cannot pass its "
                        + "socket");
            }
            fds.put(Handover.name(ServiceKey.of(r.service())), u.fd().intValue());
        }
        return fds;
    }

    /** A successor serves: stop accepting (closing this process's copies only) and drain. */
    private void drain() {
        successorServing.complete(null);
        director.stop(config.handoverGrace()).whenComplete((v, e) -> {
            if (e == null) {
                handedOver.complete(null);
            } else {
                handedOver.completeExceptionally(e);
            }
        });
    }

    CompletionStage<Void> successorServing() {
        return successorServing.minimalCompletionStage();
    }

    CompletionStage<Void> handedOver() {
        return handedOver.minimalCompletionStage();
    }

    /** The director stops: no more handover. */
    void close() {
        closed = true;
        Handover.Giver g = giver;
        giver = null;
        if (g != null) {
            g.close();
        }
    }

    /** Makes the listener over an adopted TCP socket. */
    static io.netty.channel.ChannelFactory<ServerChannel> serverChannel(int fd) {
        return () -> new EpollServerSocketChannel(fd);
    }

    /** Makes the listener over an adopted UDP socket. */
    static io.netty.channel.ChannelFactory<Channel> datagramChannel(int fd) {
        return () -> new EpollDatagramChannel(fd);
    }

    /**
     * Checks an adopted socket once {@code registered}: fails (closing it) unless it is bound to the service's
     * address.
     */
    static ChannelFuture checked(ChannelFuture registered, VirtualService vs) {
        ChannelPromise checked = registered.channel().newPromise();
        registered.addListener(f -> {
            if (!f.isSuccess()) {
                checked.setFailure(f.cause());
                return;
            }
            InetSocketAddress local = (InetSocketAddress) registered.channel().localAddress();
            InetSocketAddress want = vs.address();
            if (local == null || !local.getAddress().equals(want.getAddress())
                    || (want.getPort() != 0 && local.getPort() != want.getPort())) {
                registered.channel().close();
                checked.setFailure(new IllegalStateException("the socket handed over for " + vs.name()
                        + " is bound to " + local));
            } else {
                checked.setSuccess();
            }
        });
        return checked;
    }
}
