package io.lvs4j.failover.internal;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.FailoverHandover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import io.lvs4j.api.failover.StateSync;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.failover.AdvertRejection;
import io.lvs4j.failover.FailoverClock;
import io.lvs4j.failover.TrackedScript;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link VrrpFailover} that {@link VrrpFailover#create} returns: the protocol of docs/failover-protocol.md over
 * UDP on its own single-threaded event loop ({@code lvs4j-vrrp}), which owns the {@link VrrpInstance} state machine.
 * Not API: tests reach {@link #crash()} through this type.
 */
public final class DefaultVrrpFailover implements VrrpFailover {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultVrrpFailover.class);

    private final VrrpConfig config;
    private final AdvertCodec codec;
    private final ReplayGuard replay;
    private final EventLoopGroup group;
    private final CopyOnWriteArrayList<Consumer<? super RoleChange>> listeners = new CopyOnWriteArrayList<>();
    private final Map<AdvertRejection, AtomicLong> rejections = new EnumMap<>(AdvertRejection.class);
    /** Per kind: the count when last logged, and when (event loop only). */
    private final long[] loggedCount = new long[AdvertRejection.values().length];
    private final long[] loggedAt = new long[AdvertRejection.values().length];
    private final FailoverClock clock;
    /**
     * This run's identity: peers tell our restarts apart by it (random, so a restart needs no stored state); a
     * successor of a hitless upgrade carries on its predecessor's run (boot id, sequence and uptime).
     */
    private long bootId = new SecureRandom().nextLong();
    private long bootNanos;
    /** Whether the socket runs on epoll, whose descriptor a hitless upgrade can pass on (not with multicast). */
    private final boolean epoll;
    /**
     * Event loop: paused for a handover (reads nothing; a master still advertises until {@link Handover#quiet}), and
     * released to the successor.
     */
    private boolean paused;
    /** Event loop: a paused master that still advertises, below {@link #exportedSequence}. */
    private boolean advertisingWhilePaused;
    /** Event loop: the sequence a paused node exported; the successor's adverts continue from it. */
    private long exportedSequence;
    private boolean released;
    /** Set by {@link Handover#adopt} before start: the predecessor's socket and role. */
    private volatile int adoptedFd = -1;
    private volatile @Nullable Role adoptedRole;
    /**
     * How far a predecessor's sequence moves when it resumes after a failed handover: past anything the successor
     * could have sent before it failed (it sends at most 400 adverts a second, for at most the handover timeout).
     */
    static final long SEQUENCE_JUMP = 1L << 32;
    /**
     * How far ahead of its own sequence a paused master exports its run, so that it can go on advertising while the
     * successor prepares, without a sequence of its own ever reaching the successor's (at 400 adverts a second, the
     * block lasts 43 minutes; a handover times out in seconds).
     */
    static final long SEQUENCE_RESERVED = 1L << 20;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final AtomicLong epoch = new AtomicLong();
    private final VrrpInstance vrrp;
    private long sequence; // within this boot
    private long timerGeneration;
    private volatile Role role = Role.INIT;
    private @Nullable Channel channel;
    /** How often a master's advert carries a full state snapshot rather than the changes: 2 s. */
    static final long FULL_SYNC_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How often the sync thread prepares the changes for the next advert. */
    static final long SYNC_PERIOD_MILLIS = 100;
    private volatile @Nullable StateSync sync;
    /** Prepared off the event loop by the sync thread; the next advert takes it. */
    private final AtomicReference<byte[]> pendingState =
            new AtomicReference<>(new byte[0]);
    private volatile boolean fullSyncDue = true;
    private long lastFullSync = Long.MIN_VALUE;
    private @Nullable ScheduledExecutorService syncThread;
    private final Set<String> faults = ConcurrentHashMap.newKeySet();

    /** A failover node reading {@code clock}; nothing runs until {@link #start()}. */
    public DefaultVrrpFailover(VrrpConfig config, FailoverClock clock) {
        this.config = config;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.bootNanos = clock.nanoTime();
        for (AdvertRejection r : AdvertRejection.values()) {
            rejections.put(r, new AtomicLong());
        }
        this.codec = new AdvertCodec(config.keys());
        this.replay = new ReplayGuard(config.freshnessWindow().toMillis());
        this.epoll = config.multicastGroup() == null && Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lvs4j-vrrp", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.vrrp = new VrrpInstance(new Port(), config.bind(), config.priority(),
                config.advertIntervalCentis(), config.preempt(), config.advertsPerInterval());
        vrrp.setPreemptDelay(config.preemptDelay().toNanos());
    }

    /** The state machine's outputs, all on the event loop. */
    private final class Port implements VrrpInstance.Port {
        @Override
        public void sendAdvert(int priority) {
            Channel ch = channel;
            if (ch == null || paused && (!advertisingWhilePaused || sequence + 1 >= exportedSequence)) {
                return;
            }
            byte[] data = codec.encode(new Advert(config.routerId(), priority, config.advertIntervalCentis(),
                    config.sendKeyId(), config.bind(), bootId, ++sequence,
                    (clock.nanoTime() - bootNanos) / 1_000_000L, clock.wallMillis(),
                    priority > 0 ? pendingState.getAndSet(new byte[0]) : new byte[0]));
            for (InetSocketAddress peer : config.peers()) {
                ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data), peer));
            }
            InetAddress multicast = config.multicastGroup();
            if (multicast != null) {
                ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data),
                        new InetSocketAddress(multicast, config.bind().getPort())));
            }
        }

        @Override
        public void setTimer(long delayNanos) {
            long generation = ++timerGeneration;
            if (paused && !advertisingWhilePaused) {
                return; // handing over: the successor runs the timers, or resume() sets them again
            }
            group.next().schedule(() -> {
                if (generation == timerGeneration) {
                    vrrp.onTimer();
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public long nanoTime() {
            return clock.nanoTime();
        }

        @Override
        public void roleChanged(Role from, Role to, String reason) {
            role = to;
            if (released) {
                // handed over: the successor holds the role, so no listener may act on this process leaving it (a
                // takeover action would delete the virtual address the successor serves, run notify scripts...)
                LOG.info("virtual router {}: {} -> {} ({}); not announced", config.routerId(), from, to, reason);
                return;
            }
            fullSyncDue = true; // a new master's first adverts carry a full snapshot
            long e = to == Role.MASTER ? epoch.incrementAndGet() : epoch.get();
            LOG.info("virtual router {}: {} -> {} ({})", config.routerId(), from, to, reason);
            RoleChange change = new RoleChange(from, to, e, reason);
            for (Consumer<? super RoleChange> l : listeners) {
                try {
                    l.accept(change);
                } catch (RuntimeException ex) {
                    LOG.warn("role listener failed on {}", change, ex);
                }
            }
            if (to != Role.INIT) {
                started.complete(null);
            }
        }
    }

    /**
     * On the sync thread, every {@value #SYNC_PERIOD_MILLIS} ms while master: prepares the state the next advert
     * carries (a full snapshot every {@link #FULL_SYNC_NANOS} and on becoming master, the changes otherwise), so
     * that however many templates there are, exporting them never delays an advert on the event loop. Changes not yet
     * taken by an advert are kept, not overwritten.
     */
    private void prepareState() {
        StateSync s = sync;
        if (s == null || role != Role.MASTER || pendingState.get().length > 0) {
            return;
        }
        long now = System.nanoTime();
        boolean full = fullSyncDue || now - lastFullSync >= FULL_SYNC_NANOS;
        try {
            byte[] state = s.export(full, AdvertCodec.MAX_PAYLOAD);
            if (full) {
                fullSyncDue = false;
                lastFullSync = now;
            }
            if (state.length > AdvertCodec.MAX_PAYLOAD) {
                LOG.warn("virtual router {}: state of {} bytes exceeds {}; not sent", config.routerId(),
                        state.length, AdvertCodec.MAX_PAYLOAD);
                return;
            }
            pendingState.set(state); // only this thread sets state, and only when the last was taken
        } catch (RuntimeException e) {
            LOG.warn("virtual router {}: state export failed", config.routerId(), e);
        }
    }

    /** Receives adverts; nothing a peer sends can throw past here. */
    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress from = packet.sender();
            // the node's identity is what the MAC covers; where the datagram came from must agree with it, so a
            // captured advert re-sent from another port (or host) is nobody (checked first: it costs no HMAC)
            AdvertCodec.Decoded d = codec.decode(ByteBufUtil.getBytes(packet.content()), from);
            Advert a = d.advert();
            if (a == null) {
                AdvertCodec.Rejection r = Objects.requireNonNull(d.rejection(), "rejection");
                refuse(AdvertRejection.valueOf(r.name()), from, () -> r == AdvertCodec.Rejection.IDENTITY_MISMATCH
                        ? "the identity inside is another address or port: a capture re-sent, or NAT" : "");
                return;
            }
            if (a.routerId() != config.routerId()) {
                refuse(AdvertRejection.OTHER_ROUTER, from, () -> "virtual router " + a.routerId());
                return;
            }
            if (sameEndpoint(a.sender(), config.bind())) {
                refuse(AdvertRejection.IDENTITY_MISMATCH, from, () -> "it carries this node's own identity");
                return;
            }
            ReplayGuard.Verdict v = replay.check(a, clock.wallMillis(), clock.nanoTime());
            if (v == ReplayGuard.Verdict.REPLAYED) {
                refuse(AdvertRejection.REPLAYED, from, () -> "boot " + Long.toHexString(a.bootId()) + " sequence "
                        + a.sequence());
                return;
            }
            if (v == ReplayGuard.Verdict.STALE) {
                long offset = replay.lastOffsetMillis();
                refuse(AdvertRejection.STALE, from, () -> "its clock is " + offset + " ms from ours, "
                        + "beyond the freshness window of " + config.freshnessWindow().toMillis() + " ms; keep the "
                        + "nodes' clocks within it (NTP)");
                return;
            }
            vrrp.onAdvert(a.priority(), a.intervalCentis(), a.sender());
            StateSync s = sync;
            byte[] payload = a.payload();
            if (s != null && payload.length > 0 && a.priority() > 0 && role != Role.MASTER) {
                try {
                    s.apply(payload);
                } catch (RuntimeException e) {
                    LOG.warn("virtual router {}: state from {} could not be applied", config.routerId(),
                            packet.sender(), e);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("virtual router {}: receive error {}", config.routerId(), cause.toString());
        }
    }

    private static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && a.getAddress() != null && b.getAddress() != null
                && Arrays.equals(a.getAddress().getAddress(), b.getAddress().getAddress());
    }

    /**
     * Counts a dropped datagram; the first of each kind is logged at WARN with its sender, later ones at most once
     * every {@link #REJECTION_LOG_PERIOD} per kind (with how many there were), the rest at DEBUG. Event loop only.
     */
    private void refuse(AdvertRejection reason, InetSocketAddress from, Supplier<String> detail) {
        long n = rejections.get(reason).incrementAndGet();
        int i = reason.ordinal();
        long now = clock.nanoTime();
        boolean warn = reason != AdvertRejection.OTHER_ROUTER
                && (loggedCount[i] == 0 || now - loggedAt[i] >= REJECTION_LOG_PERIOD.toNanos());
        if (!warn && !LOG.isDebugEnabled()) {
            return; // the common case under a flood: counted, nothing built
        }
        String sender = Addresses.format(from);
        String d = detail.get();
        String why = d.isEmpty() ? "" : " (" + d + ")";
        if (!warn) {
            LOG.debug("virtual router {}: refused a datagram from {}: {}{}", config.routerId(), sender, reason, why);
        } else if (loggedCount[i] == 0) {
            LOG.warn("virtual router {}: refused a datagram from {}: {}{}; the first of its kind, counted in "
                    + "rejections, changes nothing", config.routerId(), sender, reason, why);
            loggedCount[i] = n;
            loggedAt[i] = now;
        } else if (now - loggedAt[i] >= REJECTION_LOG_PERIOD.toNanos()) {
            LOG.warn("virtual router {}: refused {} more {} datagrams in the last {} min, the last from {}{}",
                    config.routerId(), n - loggedCount[i], reason, (now - loggedAt[i]) / 60_000_000_000L, sender,
                    why);
            loggedCount[i] = n;
            loggedAt[i] = now;
        }
    }

    @Override
    public Map<AdvertRejection, Long> rejections() {
        Map<AdvertRejection, Long> out = new EnumMap<>(AdvertRejection.class);
        rejections.forEach((k, v) -> out.put(k, v.get()));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public boolean insecure() {
        return config.insecure();
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public void setFault(boolean fault) {
        setFault("user", fault);
    }

    @Override
    public void setFault(String source, boolean fault) {
        Objects.requireNonNull(source, "source");
        group.next().execute(() -> {
            if (fault) {
                faults.add(source);
            } else {
                faults.remove(source);
            }
            vrrp.fault(!faults.isEmpty());
        });
    }

    @Override
    public Set<String> faults() {
        return Set.copyOf(faults);
    }

    @Override
    public void setTrackedPriority(int priority) {
        if (priority < 1 || priority > 254) {
            throw new IllegalArgumentException("tracked priority must be 1..254 but was " + priority);
        }
        group.next().execute(() -> vrrp.setPriority(priority));
    }

    @Override
    public Registration trackQuorum(HealthMonitor monitor, VirtualService service) {
        String source = "quorum of " + service.name();
        if (!monitor.hasQuorum(service)) {
            setFault(source, true);
        }
        return monitor.onEvent(e -> {
            if (!e.service().address().equals(service.address()) || e.service().protocol() != service.protocol()) {
                return;
            }
            if (e instanceof HealthEvent.QuorumLost) {
                setFault(source, true);
            } else if (e instanceof HealthEvent.QuorumUp) {
                setFault(source, false);
            }
        });
    }

    @Override
    public void trackScripts(Collection<TrackedScript> scripts) {
        for (TrackedScript s : scripts) {
            if (s.weight() == 0) {
                setFault("vrrp_script " + s.name(), !s.up());
            }
        }
        if (config.priority() < 255) {
            setTrackedPriority(VrrpFailover.trackedPriority(config.priority(), scripts));
        }
    }

    @Override
    public int priority() {
        return vrrp.priority();
    }

    @Override
    public CompletionStage<Void> start() {
        if (config.insecure()) {
            LOG.warn("virtual router {}: INSECURE: no key, adverts are signed with lvs4j's well-known key; anyone who "
                    + "can send to {} can forge them and take the virtual addresses. Give the group a key file",
                    config.routerId(), Addresses.format(config.bind()));
        }
        InetAddress multicast = config.multicastGroup();
        NetworkInterface nic = null;
        if (multicast != null) {
            try {
                nic = NetworkInterface.getByName(config.multicastInterface());
            } catch (SocketException e) {
                nic = null;
            }
            if (nic == null) {
                started.completeExceptionally(new IllegalStateException("no network interface named '"
                        + config.multicastInterface() + "' for multicast group " + multicast.getHostAddress()));
                return started;
            }
        }
        NetworkInterface joinOn = nic;
        boolean v4 = config.bind().getAddress() instanceof Inet4Address;
        int fd = adoptedFd;
        Bootstrap b = new Bootstrap().group(group)
                .channelFactory(() -> fd >= 0 ? new EpollDatagramChannel(fd) : epoll
                        ? new EpollDatagramChannel(v4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6)
                        : new NioDatagramChannel(v4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6))
                .handler(new Receiver())
                // adverts with state reach 60 KB: Netty's datagram default (2 KiB) would cut them
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(65_536));
        InetSocketAddress local = config.bind();
        if (joinOn != null) {
            // a multicast receiver binds the wildcard address at the group's port; it sends from there on the
            // interface, with TTL 1 (one LAN, as VRRP), and does not hear itself
            local = new InetSocketAddress(config.bind().getPort());
            b.option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.IP_MULTICAST_IF, joinOn)
                    .option(ChannelOption.IP_MULTICAST_TTL, 1)
                    .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, true);
        }
        InetSocketAddress bindTo = local;
        if (fd >= 0) {
            startAdopted(b, fd);
            return started;
        }
        b.bind(bindTo).addListener(f -> {
            if (!f.isSuccess()) {
                started.completeExceptionally(new IllegalStateException("cannot bind the failover socket "
                        + bindTo + ": " + f.cause().getMessage(), f.cause()));
                return;
            }
            Channel ch = ((ChannelFuture) f).channel();
            if (joinOn == null) {
                channel = ch;
                vrrp.start();
                return;
            }
            ((DatagramChannel) ch).joinGroup(
                    new InetSocketAddress(config.multicastGroup(), config.bind().getPort()), joinOn)
                    .addListener(j -> {
                        if (!j.isSuccess()) {
                            ch.close();
                            started.completeExceptionally(new IllegalStateException("cannot join multicast group "
                                    + config.multicastGroup() + " on " + joinOn.getName() + ": "
                                    + j.cause().getMessage(), j.cause()));
                            return;
                        }
                        channel = ch;
                        vrrp.start();
                    });
        });
        return started;
    }

    /** Registers the predecessor's socket, checks that it is this node's, and enters the predecessor's role. */
    private void startAdopted(Bootstrap b, int fd) {
        Role handed = Objects.requireNonNull(adoptedRole, "adoptedRole");
        adoptedFd = -1;
        b.register().addListener(f -> {
            Channel ch = ((ChannelFuture) f).channel();
            InetSocketAddress local = f.isSuccess() ? (InetSocketAddress) ch.localAddress() : null;
            if (local == null || !sameEndpoint(local, config.bind())) {
                ch.close();
                started.completeExceptionally(new IllegalStateException("the failover socket handed over (descriptor "
                        + fd + ") is bound to " + local + ", not " + Addresses.format(config.bind())
                        + (f.isSuccess() ? "" : ": " + f.cause())));
                return;
            }
            channel = ch;
            LOG.info("virtual router {}: took over the predecessor process's socket {} as {} (boot {}, sequence {})",
                    config.routerId(), Addresses.format(local), handed, Long.toHexString(bootId), sequence);
            vrrp.adopt(handed);
        });
    }

    @Override
    public FailoverHandover handover() {
        return handover;
    }

    private final FailoverHandover handover = new Handover();

    /**
     * The hitless upgrade of this node (docs/failover-protocol.md, "Handing over a running node"): the state is the
     * run the peers' replay guards follow (boot id, sequence, uptime), so the successor's adverts continue it.
     */
    private final class Handover implements FailoverHandover {
        @Override
        public CompletionStage<Export> pause() {
            CompletableFuture<Export> result = new CompletableFuture<>();
            group.next().execute(() -> {
                Channel ch = channel;
                Role r = role;
                if (ch == null || paused || released) {
                    result.completeExceptionally(new IllegalStateException("virtual router " + config.routerId()
                            + " is not running"));
                } else if (!(ch instanceof UnixChannel u)) {
                    result.completeExceptionally(new IllegalStateException("virtual router " + config.routerId()
                            + "'s socket cannot be passed on: it needs Netty's epoll transport and unicast peers ("
                            + (config.multicastGroup() != null ? "multicast is not handed over"
                            : String.valueOf(Epoll.unavailabilityCause())) + ")"));
                } else if (r != Role.MASTER && r != Role.BACKUP) {
                    result.completeExceptionally(new IllegalStateException("virtual router " + config.routerId()
                            + " is " + r + "; only a MASTER or BACKUP is handed over"));
                } else {
                    paused = true;
                    // a master advertises on until quiet(), below the block it reserves for the successor; a backup
                    // stops its timers now (the successor runs them)
                    advertisingWhilePaused = r == Role.MASTER;
                    exportedSequence = r == Role.MASTER ? sequence + SEQUENCE_RESERVED : sequence;
                    if (!advertisingWhilePaused) {
                        timerGeneration++;
                    }
                    ch.config().setAutoRead(false);
                    long uptime = (clock.nanoTime() - bootNanos) / 1_000_000L;
                    String state = "v=1,router=" + config.routerId() + ",bind=" + Addresses.format(config.bind())
                            + ",role=" + r + ",boot=" + Long.toHexString(bootId) + ",seq=" + exportedSequence
                            + ",uptime=" + uptime + ",priority=" + vrrp.priority();
                    LOG.info("virtual router {}: paused as {} to hand over (boot {}, sequence {}, exported {})",
                            config.routerId(), r, Long.toHexString(bootId), sequence, exportedSequence);
                    result.complete(new Export(r, u.fd().intValue(), state));
                }
            });
            return result;
        }

        @Override
        public CompletionStage<Void> quiet() {
            CompletableFuture<Void> done = new CompletableFuture<>();
            group.next().execute(() -> {
                if (paused && !released && advertisingWhilePaused) {
                    advertisingWhilePaused = false;
                    timerGeneration++;
                    LOG.info("virtual router {}: quiet for the successor after sequence {}", config.routerId(),
                            sequence);
                }
                done.complete(null);
            });
            return done;
        }

        @Override
        public void release() {
            group.next().execute(() -> {
                if (!paused || released) {
                    return;
                }
                released = true;
                advertisingWhilePaused = false;
                timerGeneration++;
                vrrp.release();
                Channel ch = channel;
                channel = null;
                if (ch != null) {
                    ch.close(); // this process's descriptor only: the successor holds its own
                }
            });
        }

        @Override
        public void resume() {
            group.next().execute(() -> {
                if (!paused || released) {
                    return;
                }
                paused = false;
                advertisingWhilePaused = false;
                sequence += SEQUENCE_JUMP;
                Channel ch = channel;
                if (ch != null) {
                    ch.config().setAutoRead(true);
                }
                LOG.warn("virtual router {}: the handover did not complete; {} again from sequence {}",
                        config.routerId(), role, sequence + 1);
                vrrp.resume();
            });
        }

        @Override
        public Role adopt(int socketFd, String state) {
            if (started.isDone() || channel != null || adoptedRole != null) {
                throw new IllegalStateException("adopt must come before start");
            }
            if (!epoll) {
                throw new IllegalStateException("virtual router " + config.routerId() + " cannot adopt a socket: it "
                        + "needs Netty's epoll transport and unicast peers");
            }
            Map<String, String> fields = new HashMap<>();
            for (String kv : state.split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("failover state: field '" + kv + "' is not NAME=VALUE");
                }
                if (fields.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("failover state: field " + kv.substring(0, eq)
                            + " appears more than once");
                }
            }
            String version = field(fields, "v");
            if (!version.equals("1")) {
                throw new IllegalArgumentException("failover state: version " + version + " is not 1");
            }
            long router = number(fields, "router", 10);
            if (router != config.routerId()) {
                throw new IllegalArgumentException("failover state: router " + router + " is not this node's "
                        + config.routerId());
            }
            String bind = field(fields, "bind");
            if (!bind.equals(Addresses.format(config.bind()))) {
                throw new IllegalArgumentException("failover state: bind " + bind + " is not this node's "
                        + Addresses.format(config.bind()));
            }
            Role r;
            try {
                r = Role.valueOf(field(fields, "role"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("failover state: role " + fields.get("role") + " is unknown", e);
            }
            if (r != Role.MASTER && r != Role.BACKUP) {
                throw new IllegalArgumentException("failover state: role " + r + " cannot be adopted");
            }
            long boot = number(fields, "boot", 16);
            long seq = number(fields, "seq", 10);
            long uptime = number(fields, "uptime", 10);
            long priority = number(fields, "priority", 10);
            if (seq < 0 || uptime < 0) {
                throw new IllegalArgumentException("failover state: seq and uptime must be >= 0");
            }
            if (r == Role.MASTER && priority > config.priority()) {
                throw new IllegalArgumentException("failover state: the predecessor is master with priority "
                        + priority + ", above this node's " + config.priority() + ": its peers could take over; "
                        + "give the successor a priority of at least " + priority);
            }
            bootId = boot;
            sequence = seq;
            bootNanos = clock.nanoTime() - uptime * 1_000_000L;
            adoptedRole = r;
            adoptedFd = socketFd;
            // the first advert of a fresh JVM pays for loading the MAC's provider (some 180 ms measured): pay it now,
            // while the predecessor still advertises, not in the silence between its last advert and this node's first
            codec.encode(new Advert(config.routerId(), config.priority(), config.advertIntervalCentis(), config.sendKeyId(),
                    config.bind(), boot, seq, uptime, clock.wallMillis(), new byte[0]));
            return r;
        }
    }

    private static String field(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("failover state: field " + name + " is missing");
        }
        return v;
    }

    private static long number(Map<String, String> fields, String name, int radix) {
        String v = field(fields, name);
        try {
            return radix == 16 ? Long.parseUnsignedLong(v, 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failover state: field " + name + " '" + v + "' is not a number", e);
        }
    }

    @Override
    public CompletionStage<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (group.isShuttingDown()) {
            // stopped already (close() after stop(), as try/finally does): its loop takes no more tasks
            group.terminationFuture().addListener(f -> done.complete(null));
            return done;
        }
        group.next().execute(() -> {
            vrrp.stop(); // a master resigns with priority 0
            synchronized (DefaultVrrpFailover.this) {
                if (syncThread != null) {
                    syncThread.shutdownNow();
                    syncThread = null;
                }
            }
            Channel ch = channel;
            channel = null;
            timerGeneration++;
            Runnable finish = () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                    .addListener(g -> done.complete(null));
            if (ch != null) {
                ch.close().addListener(c -> finish.run());
            } else {
                finish.run();
            }
        });
        return done;
    }

    /** Dies without resigning, as a crashed process would: for tests of crash takeover. Not API. */
    public void crash() {
        group.next().execute(() -> {
            timerGeneration++;
            Channel ch = channel;
            channel = null;
            if (ch != null) {
                ch.close();
            }
        });
    }

    /**
     * Piggybacks {@code sync}'s state on this node's adverts while it is master (the changes, prepared every 100 ms on
     * a thread of their own; a full snapshot every 2 s and on becoming master), and applies the master's state while it
     * is not.
     */
    @Override
    public synchronized Registration replicate(StateSync state) {
        Objects.requireNonNull(state, "state");
        sync = state;
        if (syncThread == null) {
            ScheduledExecutorService t = Executors
                    .newSingleThreadScheduledExecutor(new DefaultThreadFactory("lvs4j-state-sync", true));
            t.scheduleWithFixedDelay(this::prepareState, 0, SYNC_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            syncThread = t;
        }
        return () -> {
            if (sync == state) {
                sync = null;
            }
        };
    }

    @Override
    public Registration onRoleChange(Consumer<? super RoleChange> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "VrrpFailover virtual router " + config.routerId() + " " + role;
    }
}
