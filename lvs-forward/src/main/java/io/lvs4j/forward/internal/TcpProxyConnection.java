package io.lvs4j.forward.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.OutlierDetector;
import io.lvs4j.api.internal.RealServerEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied TCP connection: the client channel, the real-server channel, and the rules that join them. Everything
 * runs on the client channel's event loop (the outbound channel is registered on it), so no field needs a lock.
 *
 * <ul>
 *   <li>The client is read while the real server connects, as HAProxy does: what it sends first is held (up to the
 *       high-water mark, then its reads pause) and written the moment the real server accepts, so the request does
 *       not wait for another turn of the event loop.</li>
 *   <li>Each side's reads stop while the other side cannot take more (write-ability), so a slow peer cannot make the
 *       director buffer without bound.</li>
 *   <li>A FIN from one side becomes a FIN to the other (half-close); a reset or error on one side becomes a reset on
 *       the other.</li>
 *   <li>A failed connect is reported to the outlier detector and retried on another real server.</li>
 * </ul>
 */
final class TcpProxyConnection {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxyConnection.class);

    private final ServiceRuntime service;
    private final DefaultDirector director;
    private final Channel client;
    private final Flow flow;
    private @Nullable Channel backend;
    private @Nullable RealServer realServer;
    private @Nullable List<RealServer> tried;
    private int redispatches;
    private boolean active;
    private boolean clientEof;
    private boolean backendEof;
    private boolean deactivated;
    private boolean closed;
    private boolean connected;
    private @Nullable ArrayDeque<Object> early; // what the client sent before the real server accepted
    private int earlyBytes;
    /** This event loop's timers; set when the client channel is active (registered). */
    private @Nullable ConnectionTimers timers;
    private final ConnectionTimers.Timer idleTimer = new ConnectionTimers.Timer() {
        @Override
        void expire() {
            closeBoth("idle");
        }
    };
    private final ConnectionTimers.Timer halfClosedTimer = new ConnectionTimers.Timer() {
        @Override
        void expire() {
            closeBoth("half-closed timeout");
        }
    };
    private final ConnectionTimers.Timer connectTimer = new ConnectionTimers.Timer() {
        @Override
        void expire() {
            connectTimedOut();
        }
    };
    /** The pending connect towards the real server, failed by the connect timer, and where it goes. */
    private @Nullable ChannelPromise connecting;
    private @Nullable InetSocketAddress connectingTo;

    TcpProxyConnection(ServiceRuntime service, DefaultDirector director, Channel client) {
        this.service = service;
        this.director = director;
        this.client = client;
        this.flow = Flow.tcp((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
    }

    /** The handler on the client channel. */
    final class ClientSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            service.stats().addConnection();
            ConnectionTimers t = director.timers(client.eventLoop());
            timers = t;
            t.line(DefaultDirector.IDLE).start(idleTimer);
            connect();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (connected) {
                relay(msg, client, backend, true);
            } else {
                hold(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readNow();
            Channel b = backend;
            if (b != null && connected) {
                b.flush();
                if (!b.isWritable()) {
                    client.config().setAutoRead(false);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Channel b = backend;
            if (b != null && client.isWritable() && !backendEof) {
                b.config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                clientEof = true;
                if (connected) {
                    finishSending(backend);
                } // else passed on once the real server accepts, after what the client sent
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeBoth("client closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.trace("{}: client error", flow, cause);
            abortBoth("client error: " + cause);
        }
    }

    /** The handler on the real-server channel. */
    final class BackendSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(msg, ctx.channel(), client, false);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readNow();
            client.flush();
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !clientEof) {
                client.config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                backendEof = true;
                finishSending(client);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == backend) {
                closeBoth("real server closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.trace("{}: real server error", flow, cause);
            abortBoth("real server error: " + cause);
        }
    }

    /** Holds what the client sent before the real server accepted; pauses the client at the high-water mark. */
    private void hold(Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (early == null) {
            early = new ArrayDeque<>(2);
        }
        early.add(msg);
        if (msg instanceof ByteBuf) {
            earlyBytes += ((ByteBuf) msg).readableBytes();
        }
        if (earlyBytes >= DefaultDirector.WATER_MARK.high()) {
            client.config().setAutoRead(false);
        }
    }

    /**
     * Writes what {@code from} read to {@code to} and counts it; stops reading {@code from} as soon as {@code to} is
     * over its high-water mark (turning auto-read off also ends Netty's current read loop).
     */
    private void relay(Object msg, Channel from, @Nullable Channel to, boolean towardsRealServer) {
        if (to == null || closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            long n = ((ByteBuf) msg).readableBytes();
            RealServer rs = realServer;
            if (towardsRealServer) {
                service.stats().addIn(n, 0);
                if (rs != null) {
                    rs.stats().addIn(n, 0);
                }
            } else {
                service.stats().addOut(n, 0);
                if (rs != null) {
                    rs.stats().addOut(n, 0);
                }
            }
        }
        to.write(msg, to.voidPromise());
        if (!to.isWritable()) {
            from.config().setAutoRead(false);
        }
    }

    private void connect() {
        RealServer rs = service.pick(flow, tried);
        InetSocketAddress target;
        if (rs != null) {
            target = rs.address();
            RealServerEngine.inactiveConnectionOpened(rs); // counted from the first SYN, as IPVS does
        } else {
            InetSocketAddress sorry = service.service().sorryServer();
            if (sorry == null) {
                service.noServer.increment();
                closeBoth("no real server available");
                return;
            }
            service.sorryServer.increment();
            target = sorry;
        }
        realServer = rs;
        long started = System.nanoTime();
        // The channel is made, set up, registered on this event loop and connected here, without a Bootstrap: a
        // Bootstrap per connection costs its copy of the options, an address-resolver look-up under a lock and a task
        // for the connect (docs/benchmarks.md). Netty turns TCP_NODELAY on by default (setting it again would cost a
        // system call per connection); reads start when the connect succeeds, after connected() has sent what the
        // client sent meanwhile.
        SocketChannel b;
        try {
            b = director.transport().newSocketChannel(target);
        } catch (RuntimeException e) {
            // no socket at all (the process is out of descriptors): not the real server's fault
            if (rs != null) {
                RealServerEngine.connectionClosed(rs, false);
            }
            realServer = null;
            director.socketFailed(service, e);
            closeBoth("cannot open a socket towards the real server");
            return;
        }
        SocketChannelConfig config = b.config();
        config.setConnectTimeoutMillis(0); // the connect timer below, not a scheduled task per connect
        config.setAllowHalfClosure(true);
        config.setWriteBufferWaterMark(DefaultDirector.WATER_MARK);
        b.pipeline().addLast(new BackendSide());
        backend = b;
        ChannelFuture registered = client.eventLoop().register(b);
        if (registered.isDone()) { // always on this event loop
            connect(b, registered, rs, target, started);
        } else {
            registered.addListener((ChannelFutureListener) r -> connect(b, r, rs, target, started));
        }
    }

    private void connect(Channel b, ChannelFuture registered, @Nullable RealServer rs, InetSocketAddress target,
                         long started) {
        if (!registered.isSuccess()) {
            b.unsafe().closeForcibly();
            if (rs != null) {
                RealServerEngine.connectionClosed(rs, false);
            }
            realServer = null;
            backend = null;
            director.socketFailed(service, registered.cause());
            closeBoth("cannot register a socket towards the real server");
            return;
        }
        ChannelPromise p = b.newPromise();
        connecting = p;
        connectingTo = target;
        timers().line(DefaultDirector.CONNECT).start(connectTimer);
        b.connect(target, p);
        p.addListener((ChannelFutureListener) f -> connected(f, rs, System.nanoTime() - started));
    }

    /**
     * The connect timeout passed: fails the connect as Netty's own timeout would (a {@link ConnectTimeoutException}),
     * which closes the real-server channel and goes on in {@link #connected}.
     */
    private void connectTimedOut() {
        ChannelPromise p = connecting;
        Channel b = backend;
        if (p != null && b != null && p.tryFailure(new ConnectTimeoutException("connection timed out after "
                + director.connectTimeoutMillis() + " ms: " + connectingTo))) {
            b.close();
        }
    }

    private ConnectionTimers timers() {
        ConnectionTimers t = timers;
        if (t == null) {
            throw new IllegalStateException("the client channel is not active yet");
        }
        return t;
    }

    /** Either side read: the idle timeout starts again. */
    private void readNow() {
        if (!closed) {
            timers().line(DefaultDirector.IDLE).start(idleTimer);
        }
    }

    private void connected(ChannelFuture future, @Nullable RealServer rs, long latencyNanos) {
        connecting = null;
        ConnectionTimers.stop(connectTimer);
        if (closed) {
            if (rs != null) {
                RealServerEngine.connectionClosed(rs, false);
            }
            future.channel().close();
            return;
        }
        if (!future.isSuccess()) {
            future.channel().close();
            Throwable cause = future.cause();
            if (rs != null) {
                RealServerEngine.connectionClosed(rs, false);
                director.outlierDetector().onFailure(rs, cause);
            }
            LOG.debug("{}: connect to {} failed: {}", flow, rs, cause.toString());
            realServer = null;
            backend = null;
            if (rs != null && redispatches < director.maxRedispatch()) {
                redispatches++;
                if (tried == null) {
                    tried = new ArrayList<>(2);
                }
                tried.add(rs);
                connect();
            } else {
                closeBoth("no real server accepted the connection");
            }
            return;
        }
        Channel b = future.channel();
        if (rs != null) {
            RealServerEngine.connectionActivated(rs);
            active = true;
            director.outlierDetector().onSuccess(rs, latencyNanos);
            service.register(rs, client);
            if (rs.proxyProtocol() != ProxyProtocol.NONE) {
                sendProxyHeader(b, rs.proxyProtocol());
            }
        }
        connected = true;
        ArrayDeque<Object> held = early;
        if (held != null) {
            early = null;
            earlyBytes = 0;
            for (Object msg = held.poll(); msg != null; msg = held.poll()) {
                relay(msg, client, b, true);
            }
            b.flush();
        }
        if (clientEof) {
            finishSending(b);
        } else if (b.isWritable()) {
            client.config().setAutoRead(true); // paused at the high-water mark while connecting, or by relay
        }
    }

    private void sendProxyHeader(Channel b, ProxyProtocol version) {
        InetSocketAddress src = flow.client();
        InetSocketAddress dst = (InetSocketAddress) client.localAddress();
        boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
        HAProxyMessage header = new HAProxyMessage(
                version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY, v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                src.getAddress().getHostAddress(), dst.getAddress().getHostAddress(), src.getPort(), dst.getPort());
        b.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
        b.writeAndFlush(header, b.voidPromise()); // flushed now: the client may have nothing to send first
        b.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }

    /** One side sent its FIN: flush what it sent, then pass the FIN on; close once both have finished. */
    private void finishSending(@Nullable Channel peer) {
        if (active && realServer != null) {
            RealServerEngine.connectionDeactivated(realServer);
            active = false;
            deactivated = true;
        }
        if (clientEof && backendEof) {
            closeBoth("both sides finished");
            return;
        }
        if (peer instanceof DuplexChannel) {
            DuplexChannel duplex = (DuplexChannel) peer;
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> sendFin(duplex));
        } else if (peer == null) {
            closeBoth("finished before a real server was connected");
            return;
        }
        if (!halfClosedTimer.pending()) {
            timers().line(DefaultDirector.HALF_CLOSED).start(halfClosedTimer);
        }
    }

    private static void sendFin(DuplexChannel peer) {
        shutdownOutput(peer);
        // Its FIN sent, the peer's own FIN ends the connection: Netty then closes the channel at once instead of
        // shutting its input down first (a system call that fails with ENOTCONN on a socket closed both ways, and
        // costs Netty an exception); channelInactive closes the other side after its flush.
        peer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }

    /**
     * Sends the FIN (the caller first waits until what was queued before it has been written). On the native
     * transports (io_uring, epoll) the socket is shut down directly: Netty's {@code shutdownOutput()} would also fail
     * the (here empty) outbound buffer with a new {@code ChannelOutputShutdownException}, and filling in that
     * exception's stack trace cost about 5 % of the CPU of each connection of a connection-per-request relay
     * (docs/benchmarks.md). Netty reads the shutdown state from the same socket, so {@code isOutputShutdown()} stays
     * true; nothing is written to the channel after its FIN (the side that finished has nothing more to relay), and
     * {@link #closeBoth} closes it without a flush.
     */
    static void shutdownOutput(DuplexChannel c) {
        if (c instanceof UnixChannel && c.isActive() && ((UnixChannel) c).fd() instanceof Socket) {
            try {
                ((Socket) ((UnixChannel) c).fd()).shutdown(false, true);
                return;
            } catch (NotYetConnectedException e) {
                // ENOTCONN: the peer reset the connection (or it closed both ways) before its channel heard of it;
                // there is no FIN to send, and the channel's own read of the reset closes the connection
                LOG.trace("{}: no FIN sent, the socket is no longer connected", c);
                return;
            } catch (IOException e) {
                LOG.trace("shutdown(SHUT_WR) failed on {}; trying Netty's", c, e);
            }
        }
        c.shutdownOutput();
    }

    /** Closes both sides after flushing what is queued (a graceful close). */
    private void closeBoth(String reason) {
        if (closed) {
            return;
        }
        LOG.debug("{}: closing: {}", flow, reason);
        closed = true;
        release();
        Channel b = backend;
        if (b != null) {
            closeAfterFlush(b);
        }
        closeAfterFlush(client);
    }

    /**
     * Closes after what is queued has been written; at once when nothing is queued or nothing can be written (inactive,
     * or its FIN sent), and not at all when it is closed already (the side whose close brought us here: Netty's close
     * of a closed channel still makes a promise and an exception). Waiting for the queue takes an empty write, its
     * promise and a listener; the real server's side of a connection that ends normally has nothing queued by then.
     */
    private static void closeAfterFlush(Channel c) {
        if (!c.isOpen()) {
            return;
        }
        if (c.isActive() && !(c instanceof DuplexChannel && ((DuplexChannel) c).isOutputShutdown())
                && hasQueuedWrites(c)) {
            c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            c.close();
        }
    }

    /**
     * Whether anything written to {@code c}, flushed or not, has yet to reach its socket. This reads Netty's outbound
     * buffer as Netty 4.2.18 keeps it: every transport's write stays in it until it completes (an io_uring write in
     * flight included), and each message counts its size plus a fixed overhead, so even an empty one shows. Were the
     * overhead set to 0 ({@code io.netty.transport.outboundBufferEntrySizeOverhead}), only empty messages would go
     * unseen, and closing over those loses nothing.
     */
    private static boolean hasQueuedWrites(Channel c) {
        ChannelOutboundBuffer out = c.unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() > 0;
    }

    /** Closes both sides with a reset (SO_LINGER 0), passing a peer's reset or an error on. */
    private void abortBoth(String reason) {
        if (closed) {
            return;
        }
        LOG.debug("{}: resetting: {}", flow, reason);
        closed = true;
        release();
        reset(backend);
        reset(client);
    }

    private static void reset(@Nullable Channel c) {
        if (c == null) {
            return;
        }
        if (c.isActive()) {
            try {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                LOG.trace("cannot set SO_LINGER on {}", c, e);
            }
        }
        c.close();
    }

    /** Gives back the counters this connection holds: once. */
    private void release() {
        ConnectionTimers.stop(idleTimer);
        ConnectionTimers.stop(halfClosedTimer);
        ConnectionTimers.stop(connectTimer);
        ArrayDeque<Object> held = early;
        if (held != null) {
            early = null;
            held.forEach(ReferenceCountUtil::release);
        }
        RealServer rs = realServer;
        if (rs != null && (active || deactivated)) {
            RealServerEngine.connectionClosed(rs, active);
            service.unregister(rs, client);
        }
        active = false;
        deactivated = false;
        director.connectionClosed(service);
    }
}
