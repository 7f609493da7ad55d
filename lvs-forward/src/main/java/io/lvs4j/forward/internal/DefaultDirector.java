package io.lvs4j.forward.internal;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.ServingEvent;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.health.OutlierDetector;
import io.lvs4j.api.stats.RateEstimator;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.DirectorConfig;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.forward.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Director} built by {@link io.lvs4j.forward.DirectorBuilder}. */
public final class DefaultDirector implements Director {

    /** Milliseconds between bind attempts of a master whose address is still taken. */
    static final int BIND_RETRY_MILLIS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DefaultDirector.class);
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final DirectorConfig config;
    private volatile IoTransport transport; // set again only by start(), before any channel exists
    /** The UDP flow limit on {@link #transport}: the configured one, bounded by the heap on io_uring. */
    private volatile int maxFlows;
    private final Map<ServiceKey, ServiceRuntime> services = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private @Nullable EventLoopGroup group; // guarded by lifecycle
    private @Nullable ScheduledFuture<?> estimatorTask; // guarded by lifecycle
    private volatile boolean serving;
    private final List<Consumer<? super ServingEvent>> servingListeners =
            new CopyOnWriteArrayList<>();
    private volatile boolean stopped;
    /** UDP flows of all services; at most maxFlows, plus {@value #FLOW_BORROW} borrowed for a moment. */
    private final AtomicInteger udpFlows = new AtomicInteger();
    /** TCP connections of all services; at most maxConnections. */
    private final AtomicInteger tcpConnections =
            new AtomicInteger();
    /** Listeners that hold connections back for want of a director-wide slot; woken when one ends. */
    final Set<AcceptLimiter> connectionWaiters = ConcurrentHashMap.newKeySet();
    private final WarnLimiter socketWarning;
    private final long idleTimeoutNanos;
    /** The lists of {@link #timers(EventLoop)}: connect, idle, half-closed. */
    static final int CONNECT = 0;
    static final int IDLE = 1;
    static final int HALF_CLOSED = 2;
    private final Map<EventLoop, ConnectionTimers> timers = new ConcurrentHashMap<>();
    /** Slots a service with no flow of its own may borrow beyond maxFlows until another service gives one back. */
    static final int FLOW_BORROW = 64;
    /** Listener handover to and from another director; null unless configured. */
    private final @Nullable DirectorHandover handover;

    /** Builds a director from its settings; nothing is bound until {@link #start()}. */
    public DefaultDirector(DirectorConfig config) {
        this.config = config;
        this.handover = DirectorHandover.of(this, config);
        use(handover != null ? handover.transport() : IoTransport.of(config.transport()));
        this.socketWarning = new WarnLimiter(config.ticker());
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        for (VirtualService vs : config.virtualServices()) {
            services.put(ServiceKey.of(vs), new ServiceRuntime(vs, config.ticker(), config.healthMonitor()));
        }
    }

    /** Runs on {@code t}; its flow limit follows (IoTransport.flowLimit bounds io_uring's by the heap). */
    private void use(IoTransport t) {
        transport = t;
        maxFlows = t.flowLimit(config.maxFlows(), Runtime.getRuntime().maxMemory());
    }

    IoTransport transport() {
        return transport;
    }

    int connectTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    long halfClosedTimeoutMillis() {
        return config.halfClosedTimeout().toMillis();
    }

    /** The connect ({@link #CONNECT}), idle and half-closed timers of the TCP connections on {@code loop}. */
    ConnectionTimers timers(EventLoop loop) {
        ConnectionTimers t = timers.get(loop);
        return t != null ? t : timers.computeIfAbsent(loop, l -> new ConnectionTimers(l, System::nanoTime,
                TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis()), idleTimeoutNanos,
                TimeUnit.MILLISECONDS.toNanos(halfClosedTimeoutMillis())));
    }

    int maxRedispatch() {
        return config.maxRedispatch();
    }

    OutlierDetector outlierDetector() {
        return config.outlierDetector();
    }

    @Override
    public CompletionStage<Void> start() {
        synchronized (lifecycle) {
            if (group != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("director already started"));
            }
            try {
                group = transport.newGroup(config.ioThreads());
            } catch (RuntimeException | LinkageError e) {
                if (config.transport() != Transport.AUTO || handover != null) {
                    throw e;
                }
                // AUTO chose io_uring, but this process cannot set up its rings (memory lock limit, a sandbox...)
                LOG.warn("cannot start the {} transport ({}); using NIO", transport.name(), e.toString());
                use(IoTransport.of(Transport.NIO));
                group = transport.newGroup(config.ioThreads());
            }
            estimatorTask = group.next().scheduleAtFixedRate(this::estimate, RateEstimator.INTERVAL_SECONDS,
                    RateEstimator.INTERVAL_SECONDS, TimeUnit.SECONDS);
        }
        HealthMonitor monitor = config.healthMonitor();
        if (monitor != null) {
            services.values().forEach(s -> monitor.watch(s.service()));
        }
        Failover failover = config.failover();
        if (handover != null) {
            return handover.start(); // it starts the failover, if any, in the role a predecessor hands over
        }
        return failover == null ? bindAll() : startFailover(failover);
    }

    /** Binds while {@code failover} says this node is master, and starts it. */
    CompletionStage<Void> startFailover(Failover failover) {
        failover.onRoleChange(change -> {
            if (change.current() == Role.MASTER) {
                bindWhileMaster(failover, 0);
            } else if (change.previous() == Role.MASTER) {
                unbindAll();
            }
        });
        prepareStandby();
        // persistence templates ride on the failover's adverts (if it carries state), so that a standby that takes
        // over sends returning clients to the real servers they had
        failover.replicate(new TemplateSync(services::values));
        return failover.start().thenCompose(v -> failover.role() == Role.MASTER ? bindAll()
                : CompletableFuture.completedFuture(null));
    }

    /**
     * Binds every virtual service of a new master, and tries again every {@value #BIND_RETRY_MILLIS} ms while this
     * node stays master and some bind fails: on preemption the old master may still hold the address for a moment,
     * until it hears the new master's advert and lets go.
     */
    private void bindWhileMaster(Failover failover, int attempt) {
        if (attempt > 0 && failover.role() != Role.MASTER) {
            return;
        }
        bindAll().whenComplete((v, e) -> {
            if (e == null) {
                if (failover.role() != Role.MASTER) {
                    // demoted while the bind was under way; off the event loop, since unbinding waits for the close
                    CompletableFuture.runAsync(this::unbindAll);
                } else if (attempt > 0) {
                    LOG.info("bound the virtual services after {} retries", attempt);
                }
                return;
            }
            EventLoopGroup g;
            synchronized (lifecycle) {
                g = stopped ? null : group;
            }
            if (g == null || failover.role() != Role.MASTER) {
                return;
            }
            if (attempt == 0) {
                LOG.warn("master but cannot bind yet ({}); retrying every {} ms while master", rootMessage(e),
                        BIND_RETRY_MILLIS);
            }
            g.next().schedule(() -> bindWhileMaster(failover, attempt + 1), BIND_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private void estimate() {
        services.values().forEach(ServiceRuntime::estimate);
    }

    Map<ServiceKey, ServiceRuntime> services() {
        return services;
    }

    CompletionStage<Void> bindAll() {
        List<CompletableFuture<Void>> binds = new ArrayList<>();
        for (ServiceRuntime s : services.values()) {
            binds.add(bind(s));
        }
        return CompletableFuture.allOf(binds.toArray(new CompletableFuture<?>[0]))
                .thenRun(() -> setServing(true));
    }

    private CompletableFuture<Void> bind(ServiceRuntime runtime) {
        return bind(runtime, -1);
    }

    /** Binds {@code runtime}'s listener, or with {@code adoptFd >= 0} adopts that bound socket (epoll only). */
    CompletableFuture<Void> bind(ServiceRuntime runtime, int adoptFd) {
        EventLoopGroup g;
        synchronized (lifecycle) {
            g = group;
        }
        if (g == null || stopped || runtime.listener != null) {
            return CompletableFuture.completedFuture(null);
        }
        VirtualService vs = runtime.service();
        if (vs.protocol() == Protocol.UDP) {
            return UdpRelay.bind(this, runtime, g, adoptFd);
        }
        Channel prepared = runtime.standby;
        runtime.standby = null;
        ChannelFuture f;
        if (adoptFd >= 0) {
            if (prepared != null) {
                prepared.close();
            }
            f = DirectorHandover.checked(serverBootstrap(runtime, g, adoptFd).register(), vs);
        } else if (prepared != null && prepared.isOpen() && prepared.isRegistered()) {
            f = prepared.bind(vs.address()).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            if (prepared != null) {
                prepared.close();
            }
            f = serverBootstrap(runtime, g).bind(vs.address());
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        f.addListener(future -> {
            if (future.isSuccess()) {
                runtime.listener = f.channel();
                LOG.info("serving {} with {} over {}", vs.name(), vs.scheduler(), transport.name());
                result.complete(null);
            } else {
                result.completeExceptionally(new IllegalStateException("cannot bind " + vs.name() + ": "
                        + future.cause().getMessage(), future.cause()));
            }
        });
        return result;
    }

    private ServerBootstrap serverBootstrap(ServiceRuntime runtime, EventLoopGroup g) {
        return serverBootstrap(runtime, g, -1);
    }

    /** A listener's bootstrap; with {@code adoptFd >= 0}, over that bound socket (epoll only). */
    private ServerBootstrap serverBootstrap(ServiceRuntime runtime, EventLoopGroup g, int adoptFd) {
        VirtualService vs = runtime.service();
        ServerBootstrap b = new ServerBootstrap()
                .group(g)
                .channelFactory(adoptFd >= 0 ? DirectorHandover.serverChannel(adoptFd)
                        : new io.netty.channel.ReflectiveChannelFactory<>(transport.serverChannel()))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptLimiter(this, runtime)) // one per listener: it holds the connections it keeps waiting
                .childHandler(NOT_REACHED); // AcceptLimiter sets up and registers each accepted channel itself
        if (vs.maxConnections() > 0) {
            // one accept per read, so pausing accepts at maxconn takes effect at once
            b.option(ChannelOption.RECVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1));
        }
        return b;
    }

    /**
     * Creates and registers a backup's TCP listeners without binding them, so that becoming master costs one bind
     * call and no channel set-up (a cold JVM takes milliseconds for the first server channel).
     */
    private void prepareStandby() {
        EventLoopGroup g;
        synchronized (lifecycle) {
            g = stopped ? null : group;
        }
        if (g == null || config.failover() == null) {
            return;
        }
        for (ServiceRuntime runtime : services.values()) {
            if (runtime.service().protocol() == Protocol.TCP && runtime.listener == null && runtime.standby == null) {
                runtime.standby = serverBootstrap(runtime, g).register().channel();
            }
        }
    }

    private static void closeStandby(ServiceRuntime runtime) {
        Channel prepared = runtime.standby;
        runtime.standby = null;
        if (prepared != null) {
            prepared.close();
        }
    }

    private void unbindAll() {
        setServing(false);
        for (ServiceRuntime s : services.values()) {
            unbind(s);
        }
        prepareStandby();
    }

    private static void unbind(ServiceRuntime runtime) {
        Channel l = runtime.listener;
        runtime.listener = null;
        if (l != null) {
            l.close().syncUninterruptibly();
        }
    }

    /**
     * Called by a connection or UDP flow when it ends: gives back its TCP slot and resumes accepting where a listener
     * waits for one (this service's below its maxconn, any service's held back by the director's limit).
     */
    void connectionClosed(ServiceRuntime runtime) {
        int open = runtime.open.decrementAndGet();
        if (runtime.service().protocol() != Protocol.TCP) {
            return;
        }
        tcpConnections.decrementAndGet();
        if (!connectionWaiters.isEmpty()) {
            for (AcceptLimiter waiter : connectionWaiters) {
                if (connectionWaiters.remove(waiter)) {
                    waiter.admitLater();
                }
            }
        }
        int max = runtime.service().maxConnections();
        Channel l = runtime.listener;
        if (l != null && (max == 0 || open < max) && !l.config().isAutoRead()) {
            AcceptLimiter limiter = l.pipeline().get(AcceptLimiter.class);
            if (limiter != null) {
                limiter.admitLater();
            } else {
                l.config().setAutoRead(true);
            }
        }
    }

    /**
     * A TCP connection was closed because no socket towards its real server could be opened: counted with the failed
     * accepts, logged once a minute at most.
     */
    void socketFailed(ServiceRuntime runtime, Throwable cause) {
        runtime.acceptFailures.increment();
        if (socketWarning.due()) {
            LOG.warn("{}: closing new connections: cannot open a socket towards the real server ({}; ulimit -n, "
                    + "maxConnections; {} so far)", runtime.service().name(), rootMessage(cause),
                    runtime.acceptFailures.sum());
        }
        // accepting more would only close them too: the listener backs off as after a failed accept
        Channel l = runtime.listener;
        AcceptLimiter limiter = l == null ? null : l.pipeline().get(AcceptLimiter.class);
        if (limiter != null) {
            limiter.backOffLater();
        }
    }

    /** Takes a slot for a new TCP connection if the director proxies fewer than its maxConnections. */
    boolean tryAcquireConnection() {
        return incrementBelow(tcpConnections, config.maxConnections());
    }

    /** Adds one to {@code count} unless that would reach beyond {@code max}; whether it did. */
    private static boolean incrementBelow(AtomicInteger count, int max) {
        for (int n = count.get(); n < max; n = count.get()) {
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts accepted connections and stops accepting at the service's maxconn or the director's maxConnections
     * (accept backpressure, never accept-then-drop). A transport may have an accept in flight when the listener stops
     * reading (io_uring submits accepts ahead): a connection it accepts beyond a limit waits here, neither read nor
     * connected, until a connection ends. A failed accept, or a connection closed for want of a socket towards its
     * real server (the process out of descriptors: EMFILE, ENFILE), stops accepting for a back-off that doubles from
     * {@value #MIN_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms while failures go on, and is logged once a
     * minute at most. One limiter per listener; its fields are used on
     * the listener's event loop only.
     */
    /**
     * ServerBootstrap's required child handler; never added: {@link AcceptLimiter} does not pass accepted channels on
     * to the bootstrap's acceptor.
     */
    private static final ChannelHandler NOT_REACHED = new NotReached();

    @ChannelHandler.Sharable
    private static final class NotReached extends ChannelInboundHandlerAdapter {
    }

    /**
     * Sets up an accepted client channel and registers it on the next event loop of {@code group}: what Netty's
     * ServerBootstrap acceptor does, without its ChannelInitializer (a handler context added and removed, and a
     * concurrent map entry, per connection), its option map walk and its registration listener
     * (docs/benchmarks.md, "Where a connection's CPU goes").
     */
    void admit(ServiceRuntime runtime, Channel child, EventLoopGroup group) {
        SocketChannel ch = (SocketChannel) child;
        ch.config().setAllowHalfClosure(true); // TCP_NODELAY: on by Netty's default
        ch.config().setWriteBufferWaterMark(WATER_MARK);
        ch.pipeline().addLast(new TcpProxyConnection(runtime, this, ch).new ClientSide());
        ChannelFuture registered;
        try {
            registered = group.register(ch);
        } catch (RuntimeException e) {
            ch.unsafe().closeForcibly();
            LOG.warn("{}: cannot register an accepted connection", runtime.service().name(), e);
            return;
        }
        if (!registered.isDone()) {
            registered.addListener((ChannelFutureListener) DefaultDirector::closeIfNotRegistered);
        } else {
            closeIfNotRegistered(registered);
        }
    }

    private static void closeIfNotRegistered(ChannelFuture registered) {
        if (!registered.isSuccess()) {
            Channel ch = registered.channel();
            if (ch.isRegistered()) {
                ch.close();
            } else {
                ch.unsafe().closeForcibly();
            }
            LOG.warn("cannot register an accepted connection: {}", registered.cause().toString());
        }
    }

    static final class AcceptLimiter extends ChannelInboundHandlerAdapter {
        static final long MIN_BACKOFF_MILLIS = 10;
        static final long MAX_BACKOFF_MILLIS = 1000;

        private final DefaultDirector director;
        private final ServiceRuntime runtime;
        private final ArrayDeque<Object> waiting = new ArrayDeque<>();
        private final WarnLimiter acceptWarning;
        private @Nullable ChannelHandlerContext ctx;
        private long backoffMillis;
        private long lastFailureNanos;
        private boolean backingOff;

        AcceptLimiter(DefaultDirector director, ServiceRuntime runtime) {
            this.director = director;
            this.runtime = runtime;
            this.acceptWarning = new WarnLimiter(director.ticker());
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object child) {
            if (!waiting.isEmpty() || !tryAdmit(ctx, child)) {
                waiting.add(child);
                ctx.channel().config().setAutoRead(false);
            }
        }

        /** Admits {@code child} if the service and the director have room; else registers to hear of room. */
        private boolean tryAdmit(ChannelHandlerContext ctx, Object child) {
            int max = runtime.service().maxConnections();
            if (max > 0 && runtime.open.get() >= max) {
                return false;
            }
            if (!director.tryAcquireConnection()) {
                director.connectionWaiters.add(this);
                if (director.tryAcquireConnection()) { // a slot freed meanwhile: it would not have woken us
                    director.connectionWaiters.remove(this);
                } else {
                    return false;
                }
            }
            int open = runtime.open.incrementAndGet();
            if (max > 0 && open >= max) {
                ctx.channel().config().setAutoRead(false);
            }
            director.admit(runtime, (Channel) child, ctx.channel().eventLoop().parent());
            return true;
        }

        /** Runs {@link #admitWaiting()} on the listener's event loop. */
        void admitLater() {
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.executor().execute(this::admitWaiting);
            }
        }

        /** Room was made: admits waiting connections while there is room, then accepts again. */
        void admitWaiting() {
            ChannelHandlerContext c = ctx;
            if (c == null || !c.channel().isOpen()) {
                return;
            }
            while (!waiting.isEmpty() && tryAdmit(c, waiting.peek())) {
                waiting.poll();
            }
            int max = runtime.service().maxConnections();
            if (waiting.isEmpty() && !backingOff && (max == 0 || runtime.open.get() < max)) {
                c.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            // not passed on: Netty's acceptor would resume reads a second later whatever the limits say, and the
            // pipeline's tail would log every failed accept
            runtime.acceptFailures.increment();
            backOff();
            if (acceptWarning.due()) {
                LOG.warn("{}: cannot accept: {}; accepting again in {} ms, backing off up to {} ms while it lasts "
                        + "(ulimit -n, maxConnections; {} failed accepts so far)", runtime.service().name(),
                        cause.getMessage(), backoffMillis, MAX_BACKOFF_MILLIS, runtime.acceptFailures.sum());
            }
        }

        /** Runs {@link #backOff()} on the listener's event loop. */
        void backOffLater() {
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.executor().execute(this::backOff);
            }
        }

        /**
         * Stops accepting for a while: the process is out of descriptors. The pause doubles while failures follow
         * each other within twice the longest pause, and starts again at the shortest after a quiet spell.
         */
        private void backOff() {
            ChannelHandlerContext c = ctx;
            if (c == null || !c.channel().isOpen()) {
                return;
            }
            long now = director.ticker().read();
            boolean quiet = backoffMillis == 0
                    || now - lastFailureNanos > TimeUnit.MILLISECONDS.toNanos(2 * MAX_BACKOFF_MILLIS);
            backoffMillis = quiet ? MIN_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
            lastFailureNanos = now;
            c.channel().config().setAutoRead(false);
            if (!backingOff) {
                backingOff = true;
                c.executor().schedule(() -> {
                    backingOff = false;
                    admitWaiting();
                }, backoffMillis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            director.connectionWaiters.remove(this);
            for (Object child = waiting.poll(); child != null; child = waiting.poll()) {
                if (child instanceof Channel ch) {
                    ch.close(); // accepted but never served: the listener is gone
                } else {
                    ReferenceCountUtil.release(child);
                }
            }
            ctx.fireChannelInactive();
        }
    }

    @Override
    public CompletionStage<Void> stop(Duration grace) {
        EventLoopGroup g;
        synchronized (lifecycle) {
            if (stopped) {
                return CompletableFuture.completedFuture(null);
            }
            stopped = true;
            g = group;
            if (estimatorTask != null) {
                estimatorTask.cancel(false);
            }
        }
        Failover failover = config.failover();
        CompletableFuture<Void> resigned = failover == null ? CompletableFuture.completedFuture(null)
                : failover.stop().toCompletableFuture().exceptionally(e -> null);
        return resigned.thenCompose(v -> CompletableFuture.runAsync(() -> {
            if (handover != null) {
                handover.close(); // no successor takes the listeners of a director that stops
            }
            unbindAll();
            services.values().forEach(DefaultDirector::closeStandby);
            long deadline = System.nanoTime() + grace.toNanos();
            // TCP connections may finish; a UDP flow has nothing to finish, and with its listener closed no reply
            // could reach its client any more: it is dropped now, not waited for until it expires
            while (System.nanoTime() - deadline < 0 && services.values().stream()
                    .anyMatch(s -> s.service().protocol() == Protocol.TCP && s.open.get() > 0)) {
                try {
                    Thread.sleep(20); // off the event loops: waiting for connections to end
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            services.values().forEach(ServiceRuntime::closeAllConnections);
            // let the closes finish on the event loops (io_uring closes a socket once its pending operations are
            // cancelled): a channel still closing when its loop terminates cannot deregister, and Netty warns
            long closing = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() - closing < 0 && services.values().stream().anyMatch(s -> s.open.get() > 0)) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            services.values().forEach(ServiceRuntime::close);
            HealthMonitor monitor = config.healthMonitor();
            if (monitor != null) {
                services.values().forEach(s -> monitor.unwatch(s.service()));
            }
            if (g != null) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }));
    }

    @Override
    public CompletionStage<Void> successorServing() {
        return handover == null ? new CompletableFuture<Void>().minimalCompletionStage()
                : handover.successorServing();
    }

    @Override
    public CompletionStage<Void> handedOver() {
        return handover == null ? new CompletableFuture<Void>().minimalCompletionStage() : handover.handedOver();
    }

    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(10)).toCompletableFuture().join();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping the director", e);
        }
    }

    void setServing(boolean now) {
        boolean before;
        synchronized (servingListeners) {
            before = serving;
            serving = now;
        }
        if (before != now) {
            ServingEvent event = new ServingEvent(now, Instant.now());
            for (Consumer<? super ServingEvent> l : servingListeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("serving listener failed", e);
                }
            }
        }
    }

    @Override
    public Registration onServingChange(Consumer<? super ServingEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        servingListeners.add(listener);
        return () -> servingListeners.remove(listener);
    }

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public List<VirtualService> virtualServices() {
        List<VirtualService> list = new ArrayList<>();
        services.values().forEach(s -> list.add(s.service()));
        return list;
    }

    @Override
    public CompletionStage<Void> putVirtualService(VirtualService service) {
        ServiceKey key = ServiceKey.of(service);
        ServiceRuntime existing = services.get(key);
        ServiceRuntime runtime;
        try {
            if (existing != null) {
                existing.reconfigure(service); // builds the new scheduler first: a failure changes nothing
                return CompletableFuture.completedFuture(null);
            }
            runtime = new ServiceRuntime(service, config.ticker(), config.healthMonitor());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        services.put(key, runtime);
        HealthMonitor monitor = config.healthMonitor();
        if (monitor != null) {
            monitor.watch(service);
        }
        if (serving) {
            return bind(runtime);
        }
        prepareStandby();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> removeVirtualService(VirtualService service) {
        ServiceRuntime runtime = services.remove(ServiceKey.of(service));
        if (runtime == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            unbind(runtime);
            closeStandby(runtime);
            HealthMonitor monitor = config.healthMonitor();
            if (monitor != null) {
                monitor.unwatch(runtime.service());
            }
        });
    }

    @Override
    public void addRealServer(VirtualService service, RealServer realServer) {
        ServiceRuntime runtime = runtime(service);
        synchronized (runtime) {
            runtime.reconfigure(runtime.service().toBuilder().realServer(realServer).build());
        }
    }

    @Override
    public void removeRealServer(VirtualService service, InetSocketAddress realServer, boolean closeConnections) {
        ServiceRuntime runtime = runtime(service);
        synchronized (runtime) {
            runtime.reconfigure(runtime.service().toBuilder().removeRealServer(realServer).build());
        }
        if (closeConnections) {
            runtime.closeConnections(realServer);
        }
    }

    @Override
    public int closeConnections(VirtualService service, InetSocketAddress realServer) {
        return runtime(service).closeConnections(realServer);
    }

    private ServiceRuntime runtime(VirtualService service) {
        ServiceRuntime runtime = services.get(ServiceKey.of(service));
        if (runtime == null) {
            throw new IllegalArgumentException("no virtual service " + service.name());
        }
        return runtime;
    }

    @Override
    public @Nullable InetSocketAddress boundAddress(VirtualService service) {
        ServiceRuntime runtime = services.get(ServiceKey.of(service));
        Channel l = runtime == null ? null : runtime.listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    @Override
    public List<ServiceStatistics> statistics() {
        List<ServiceStatistics> list = new ArrayList<>();
        services.values().forEach(s -> list.add(s.statistics()));
        return list;
    }

    /** The most bytes queued for writing on any client channel now; for tests of the buffering bound. */
    long maxPendingClientBytes() {
        long max = 0;
        for (ServiceRuntime s : services.values()) {
            max = Math.max(max, s.maxPendingBytes());
        }
        return max;
    }

    long udpTimeoutNanos() {
        return config.udpTimeout().toNanos();
    }

    long udpUnrepliedTimeoutNanos() {
        return config.udpUnrepliedTimeout().toNanos();
    }

    Ticker ticker() {
        return config.ticker();
    }

    int maxFlows() {
        return maxFlows;
    }

    /** Takes a slot for a new UDP flow if the director holds fewer than maxFlows. */
    boolean tryAcquireFlow() {
        return incrementBelow(udpFlows, maxFlows());
    }

    void releaseFlow() {
        udpFlows.decrementAndGet();
    }

    boolean flowsOverLimit() {
        return udpFlows.get() > maxFlows();
    }

    /** UDP flows of all services now; for tests. */
    int udpFlows() {
        return udpFlows.get();
    }

    /**
     * A service with no flow to evict needs a slot while others hold them all: it borrows one (at most
     * {@value #FLOW_BORROW} beyond the limit) and the service with the most flows evicts its least recently active.
     */
    boolean borrowFlow(UdpRelay borrower) {
        UdpRelay fullest = null;
        for (ServiceRuntime s : services.values()) {
            Channel l = s.listener;
            UdpRelay relay = l == null ? null : l.pipeline().get(UdpRelay.class);
            if (relay != null && relay != borrower && (fullest == null || relay.size() > fullest.size())) {
                fullest = relay;
            }
        }
        if (fullest == null || fullest.size() == 0) {
            return false;
        }
        if (!incrementBelow(udpFlows, maxFlows() + FLOW_BORROW)) {
            return false;
        }
        fullest.shedLater();
        return true;
    }
}
