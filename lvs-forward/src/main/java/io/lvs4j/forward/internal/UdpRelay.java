package io.lvs4j.forward.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.internal.RealServerEngine;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP forwarding for one virtual service: a flow table keyed by client address (and, with one-packet scheduling, by
 * real server too). Each flow has its own connected socket towards its real server, so replies are routed back to the
 * right client. A flow expires after the unreplied timeout without a datagram until its real server has replied, and
 * after the UDP timeout from then on (conntrack's two UDP states). A service with a reply limit
 * ({@link VirtualService#udpResponses()}, nginx's {@code proxy_responses}) owes a flow that many replies per datagram
 * it relayed to the real server and ends it right after the last owed reply has been relayed: the flow leaves the
 * table and its socket closes, so the client's next datagram opens a new flow, scheduled afresh; replies the real
 * server sends after that are dropped.
 *
 * <p>Bounds: the table holds at most the service's maxconn flows (when set) and, with the other services, the
 * director's flow limit. A new flow beyond either evicts the least recently active flow of this table (access order
 * of a {@link LinkedHashMap}: O(1)); a service with no flow of its own to give takes a slot for a moment and asks
 * the service with the most flows to evict one. A flow enters the table only once its socket exists; when the
 * process is out of descriptors the least recently active flow gives its socket back and the socket is tried once
 * more, else the datagram is dropped and counted. Warnings are rate-limited ({@link WarnLimiter}).
 *
 * <p>All of it runs on the listener's event loop (each flow's socket is registered on it), so the table needs no lock.
 */
final class UdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(UdpRelay.class);
    /** Datagrams held for a flow while its socket is being set up; more are dropped. */
    static final int MAX_PENDING = 64;

    private final DefaultDirector director;
    private final ServiceRuntime runtime;
    private final Ticker ticker;
    private final ChannelFactory<? extends Channel> sockets;
    /** Access-ordered: iteration starts at the least recently active flow. */
    private final LinkedHashMap<FlowKey, UdpFlow> flows = new LinkedHashMap<>(16, 0.75f, true);
    /** The table's size, for another service's event loop choosing where to evict. */
    private volatile int size;
    private final WarnLimiter fullWarning;
    private final WarnLimiter socketWarning;
    private @Nullable Channel frontend;

    /** A flow's identity: the client, and the real server under one-packet scheduling. */
    record FlowKey(InetSocketAddress client, @Nullable InetSocketAddress realServer) {
    }

    private UdpRelay(DefaultDirector director, ServiceRuntime runtime) {
        super(false);
        this.director = director;
        this.runtime = runtime;
        this.ticker = director.ticker();
        this.sockets = new ReflectiveChannelFactory<>(director.transport().datagramChannel());
        this.fullWarning = new WarnLimiter(ticker);
        this.socketWarning = new WarnLimiter(ticker);
    }

    static CompletableFuture<Void> bind(DefaultDirector director, ServiceRuntime runtime, EventLoopGroup group,
                                        int adoptFd) {
        VirtualService vs = runtime.service();
        CompletableFuture<Void> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).option(ChannelOption.SO_REUSEADDR, true)
                .handler(new UdpRelay(director, runtime));
        ChannelFuture f = adoptFd >= 0 ? DirectorHandover.checked(
                b.channelFactory(DirectorHandover.datagramChannel(adoptFd)).register(), vs)
                : b.channel(director.transport().datagramChannel()).bind(vs.address());
        f.addListener(future -> {
            if (future.isSuccess()) {
                runtime.listener = f.channel();
                LOG.info("serving {} with {} over {}", vs.name(), vs.scheduler(), director.transport().name());
                result.complete(null);
            } else {
                result.completeExceptionally(new IllegalStateException("cannot bind " + vs.name() + ": "
                        + future.cause().getMessage(), future.cause()));
            }
        });
        return result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        frontend = ctx.channel();
    }

    /** The number of flows in the table now; read from any thread. */
    int size() {
        return size;
    }

    /** Runs {@link #shedIfOverLimit()} on this table's event loop. */
    void shedLater() {
        Channel c = frontend;
        if (c != null) {
            c.eventLoop().execute(this::shedIfOverLimit);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        InetSocketAddress client = packet.sender();
        VirtualService vs = runtime.service();
        UdpFlow flow;
        if (vs.isOnePacket()) {
            RealServer rs = runtime.pick(Flow.udp(client, vs.address()), null);
            if (rs == null) {
                runtime.noServer.increment();
            }
            flow = rs == null ? null : flows.get(new FlowKey(client, rs.address()));
            if (rs != null && flow == null) {
                flow = open(ctx, new FlowKey(client, rs.address()), rs);
            }
        } else {
            FlowKey key = new FlowKey(client, null);
            flow = flows.get(key);
            if (flow == null) {
                RealServer rs = runtime.pick(Flow.udp(client, vs.address()), null);
                if (rs == null) {
                    runtime.noServer.increment();
                }
                flow = rs == null ? null : open(ctx, key, rs);
            }
        }
        if (flow == null) {
            LOG.debug("{}: no flow for a datagram from {}", vs.name(), client);
            content.release();
            return;
        }
        int n = content.readableBytes();
        runtime.stats().addIn(n, 1);
        flow.realServer.stats().addIn(n, 1);
        flow.lastActive = ticker.read();
        flow.send(content);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reply that could not be sent (the listener closing, a full socket buffer): lost as a datagram is; logged
        // at debug only, since it can happen once per packet
        LOG.debug("{}: {}", runtime.service().name(), cause.toString());
    }

    /** Opens a flow's socket and enters the flow in the table; {@code null} (counted) when there is no room. */
    private @Nullable UdpFlow open(ChannelHandlerContext ctx, FlowKey key, RealServer rs) {
        if (!makeRoom()) {
            drop("the director's flow limit is reached and no service has a flow to give up", null);
            return null;
        }
        Channel ch = newSocket();
        if (ch == null) {
            director.releaseFlow();
            return null;
        }
        EventLoop loop = ctx.channel().eventLoop();
        UdpFlow flow = new UdpFlow(ctx.channel(), key, rs, ch, runtime.service().udpResponses());
        ch.pipeline().addLast(flow.new Replies());
        flows.put(key, flow);
        size = flows.size();
        RealServerEngine.inactiveConnectionOpened(rs);
        runtime.open.incrementAndGet();
        runtime.stats().addConnection();
        runtime.register(rs, ch);
        flow.lastActive = ticker.read();
        loop.register(ch).addListener(registered -> {
            if (registered.isSuccess()) {
                ch.closeFuture().addListener(closed -> flow.closed());
                ch.connect(rs.address()).addListener(connected -> flow.connected(connected.isSuccess()));
                flow.expireLater(director.udpUnrepliedTimeoutNanos());
            } else {
                flow.connected(false);
                flow.closed(); // never registered: its close future's listeners would have no event loop
            }
        });
        return flow;
    }

    /**
     * Frees a slot for a new flow under the service's maxconn and the director's flow limit, evicting the least
     * recently active flows of this table; false when neither this table nor any other has a flow to give.
     */
    private boolean makeRoom() {
        int max = runtime.service().maxConnections();
        while (max > 0 && flows.size() >= max) {
            evictEldest(true, "the virtual service's maxconn");
        }
        if (director.tryAcquireFlow()) {
            return true;
        }
        if (!flows.isEmpty()) {
            evictEldest(false, "the director's maxFlows"); // its slot goes to the new flow
            return true;
        }
        // another service holds every slot: borrow one for a moment and have the fullest give one back
        return director.borrowFlow(this);
    }

    /** Evicts this table's least recently active flow while the director holds more flows than its limit. */
    private void shedIfOverLimit() {
        if (director.flowsOverLimit() && !flows.isEmpty()) {
            evictEldest(true, "the director's maxFlows");
        }
    }

    private void evictEldest(boolean releaseSlot, String limit) {
        Iterator<UdpFlow> eldest = flows.values().iterator();
        UdpFlow flow = eldest.next();
        forget(flow, releaseSlot);
        runtime.evictedFlows.increment();
        if (fullWarning.due()) {
            LOG.warn("{}: {} reached: each new UDP flow evicts the least recently active one ({} evicted so far; "
                    + "maxFlows {}, maxconn {})", runtime.service().name(), limit, runtime.evictedFlows.sum(),
                    director.maxFlows(), runtime.service().maxConnections());
        }
        flow.channel.close();
    }

    /**
     * A new socket for a flow, or {@code null} (the datagram counted as dropped) when the process has no descriptor
     * left even after the least recently active flow gave its socket back.
     */
    private @Nullable Channel newSocket() {
        try {
            return sockets.newChannel();
        } catch (RuntimeException first) {
            if (flows.isEmpty()) {
                drop("cannot open a socket towards the real server", first);
                return null;
            }
            evictEldest(true, "the process's descriptor limit");
            try {
                return sockets.newChannel();
            } catch (RuntimeException second) {
                drop("cannot open a socket towards the real server", second);
                return null;
            }
        }
    }

    private void drop(String why, @Nullable Throwable cause) {
        runtime.droppedDatagrams.increment();
        if (socketWarning.due()) {
            LOG.warn("{}: dropping datagrams of new UDP flows: {} ({}; {} dropped so far)", runtime.service().name(),
                    why, cause == null ? "no room" : rootMessage(cause), runtime.droppedDatagrams.sum());
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.toString();
    }

    /** Takes a flow out of the table and gives back its counters (once: eviction, expiry and close all end here). */
    private void forget(UdpFlow flow, boolean releaseSlot) {
        if (flows.remove(flow.key, flow)) {
            size = flows.size();
            RealServerEngine.connectionClosed(flow.realServer, false);
            runtime.unregister(flow.realServer, flow.channel);
            director.connectionClosed(runtime);
            if (releaseSlot) {
                director.releaseFlow();
            }
            ScheduledFuture<?> t = flow.timer;
            flow.timer = null;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** One client's flow to one real server. */
    final class UdpFlow {
        private final Channel frontend;
        private final FlowKey key;
        final RealServer realServer;
        final Channel channel;
        private @Nullable ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
        /** Ticker reading of the last datagram either way. */
        long lastActive;
        private boolean replied;
        /** Replies owed per datagram relayed to the real server; 0 when the service sets no limit. */
        private final int replyLimit;
        /** Replies still owed: {@link #replyLimit} for each datagram relayed, less the replies relayed back. */
        private long repliesOwed;
        /** Set once the last owed reply has been relayed: later replies are dropped. */
        private boolean ended;
        private @Nullable ScheduledFuture<?> timer;
        private final Runnable expiry = this::expireIfIdle;

        UdpFlow(Channel frontend, FlowKey key, RealServer realServer, Channel channel, int replyLimit) {
            this.frontend = frontend;
            this.key = key;
            this.realServer = realServer;
            this.channel = channel;
            this.replyLimit = replyLimit;
        }

        void send(ByteBuf datagram) {
            ArrayDeque<ByteBuf> queue = pending;
            if (queue != null) {
                if (queue.size() < MAX_PENDING) {
                    queue.add(datagram);
                    repliesOwed += replyLimit;
                } else {
                    runtime.droppedDatagrams.increment();
                    datagram.release();
                }
                return;
            }
            Channel c = channel;
            if (c.isActive()) {
                repliesOwed += replyLimit;
                c.writeAndFlush(datagram, c.voidPromise());
            } else {
                datagram.release();
            }
        }

        void connected(boolean success) {
            ArrayDeque<ByteBuf> queue = pending;
            pending = null;
            if (queue == null) {
                return;
            }
            if (!success) {
                queue.forEach(ByteBuf::release);
                channel.close();
                return;
            }
            for (ByteBuf b : queue) {
                channel.write(b, channel.voidPromise());
            }
            channel.flush();
        }

        void closed() {
            forget(this, true);
            ArrayDeque<ByteBuf> queue = pending;
            pending = null;
            if (queue != null) {
                queue.forEach(ByteBuf::release);
            }
        }

        void expireLater(long delayNanos) {
            timer = channel.eventLoop().schedule(expiry, delayNanos, TimeUnit.NANOSECONDS);
        }

        /** Closes the flow once it has been idle for its timeout: the unreplied one until the first reply. */
        private void expireIfIdle() {
            timer = null;
            if (!channel.isOpen()) {
                return;
            }
            long timeout = replied ? director.udpTimeoutNanos() : director.udpUnrepliedTimeoutNanos();
            long idle = ticker.read() - lastActive;
            if (idle >= timeout) {
                channel.close();
            } else {
                expireLater(timeout - idle);
            }
        }

        /** Replies from the real server go back to the client through the listener. */
        final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
            Replies() {
                super(false);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
                ByteBuf content = reply.content();
                if (ended) {
                    // read in the same batch as the last owed reply; the closed socket drops any later one
                    content.release();
                    return;
                }
                int n = content.readableBytes();
                runtime.stats().addOut(n, 1);
                realServer.stats().addOut(n, 1);
                replied = true;
                lastActive = ticker.read();
                flows.get(key); // a reply makes the flow the most recently active
                frontend.writeAndFlush(new DatagramPacket(content, key.client()), frontend.voidPromise());
                if (replyLimit > 0 && --repliesOwed <= 0) {
                    // every owed reply relayed: the flow ends now, as an expired one does, and frees its slot
                    ended = true;
                    forget(UdpFlow.this, true);
                    channel.close();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // ICMP port unreachable and the like: the datagram is lost, as it would be without a director
                LOG.debug("UDP flow {} -> {}: {}", key.client(), realServer, cause.toString());
            }
        }
    }
}
