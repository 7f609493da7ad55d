package io.lvs4j.forward.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP forwarding for one virtual service: a flow table keyed by client address (and, with one-packet scheduling, by
 * real server too). Each flow has its own connected socket towards its real server, so replies are routed back to the
 * right client; a flow that carries no datagram for the UDP timeout expires. All of it runs on the listener's event
 * loop, so the table needs no lock.
 */
final class UdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(UdpRelay.class);
    /** Datagrams held for a flow while its socket is being set up; more are dropped. */
    static final int MAX_PENDING = 64;

    private final DefaultDirector director;
    private final ServiceRuntime runtime;
    private final Map<FlowKey, UdpFlow> flows = new HashMap<>();

    /** A flow's identity: the client, and the real server under one-packet scheduling. */
    record FlowKey(InetSocketAddress client, @Nullable InetSocketAddress realServer) {
    }

    private UdpRelay(DefaultDirector director, ServiceRuntime runtime) {
        super(false);
        this.director = director;
        this.runtime = runtime;
    }

    static CompletableFuture<Void> bind(DefaultDirector director, ServiceRuntime runtime, EventLoopGroup group) {
        VirtualService vs = runtime.service();
        CompletableFuture<Void> result = new CompletableFuture<>();
        ChannelFuture f = new Bootstrap().group(group).channel(director.transport().datagramChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new UdpRelay(director, runtime))
                .bind(vs.address());
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
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        InetSocketAddress client = packet.sender();
        VirtualService vs = runtime.service();
        UdpFlow flow;
        if (vs.isOnePacket()) {
            RealServer rs = runtime.pick(Flow.udp(client, vs.address()), null);
            flow = rs == null ? null : flows.get(new FlowKey(client, rs.address()));
            if (rs != null && flow == null) {
                flow = open(ctx, new FlowKey(client, rs.address()), rs);
            }
        } else {
            FlowKey key = new FlowKey(client, null);
            flow = flows.get(key);
            if (flow == null) {
                RealServer rs = runtime.pick(Flow.udp(client, vs.address()), null);
                flow = rs == null ? null : open(ctx, key, rs);
            }
        }
        if (flow == null) {
            LOG.debug("{}: no real server for a datagram from {}", vs.name(), client);
            content.release();
            return;
        }
        int n = content.readableBytes();
        runtime.stats().addIn(n, 1);
        flow.realServer.stats().addIn(n, 1);
        flow.send(content);
    }

    private UdpFlow open(ChannelHandlerContext ctx, FlowKey key, RealServer rs) {
        rs.inactiveConnectionOpened();
        runtime.open.incrementAndGet();
        runtime.stats().addConnection();
        UdpFlow flow = new UdpFlow(ctx.channel(), key, rs);
        flows.put(key, flow);
        long idle = director.udpTimeout().toMillis();
        ChannelFuture f = new Bootstrap().group(ctx.channel().eventLoop())
                .channel(director.transport().datagramChannel())
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS),
                                flow.new Replies());
                    }
                })
                .connect(rs.address());
        flow.channel = f.channel();
        f.addListener(future -> flow.connected(future.isSuccess()));
        f.channel().closeFuture().addListener(future -> flow.closed());
        runtime.register(rs, f.channel());
        return flow;
    }

    /** One client's flow to one real server. */
    final class UdpFlow {
        private final Channel frontend;
        private final FlowKey key;
        final RealServer realServer;
        private @Nullable Channel channel;
        private @Nullable ArrayDeque<ByteBuf> pending = new ArrayDeque<>();

        UdpFlow(Channel frontend, FlowKey key, RealServer realServer) {
            this.frontend = frontend;
            this.key = key;
            this.realServer = realServer;
        }

        void send(ByteBuf datagram) {
            ArrayDeque<ByteBuf> queue = pending;
            if (queue != null) {
                if (queue.size() < MAX_PENDING) {
                    queue.add(datagram);
                } else {
                    datagram.release();
                }
                return;
            }
            Channel c = channel;
            if (c != null && c.isActive()) {
                c.writeAndFlush(datagram, c.voidPromise());
            } else {
                datagram.release();
            }
        }

        void connected(boolean success) {
            ArrayDeque<ByteBuf> queue = pending;
            pending = null;
            Channel c = channel;
            if (queue == null) {
                return;
            }
            if (!success || c == null) {
                queue.forEach(ByteBuf::release);
                if (c != null) {
                    c.close();
                }
                return;
            }
            for (ByteBuf b : queue) {
                c.write(b, c.voidPromise());
            }
            c.flush();
        }

        void closed() {
            if (flows.remove(key, this)) {
                realServer.connectionClosed(false);
                runtime.unregister(realServer, channel);
                director.connectionClosed(runtime);
            }
            ArrayDeque<ByteBuf> queue = pending;
            pending = null;
            if (queue != null) {
                queue.forEach(ByteBuf::release);
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
                int n = content.readableBytes();
                runtime.stats().addOut(n, 1);
                realServer.stats().addOut(n, 1);
                frontend.writeAndFlush(new DatagramPacket(content, key.client()), frontend.voidPromise());
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IdleStateEvent) {
                    ctx.close();
                } else {
                    ctx.fireUserEventTriggered(evt);
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
