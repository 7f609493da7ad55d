package io.lvs4j.examples.demo;

import com.sun.management.OperatingSystemMXBean;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HTTP real server, with an explicit capacity model so that several of them on one host behave like
 * separate machines: at most {@code workers} requests are in service at once, each for {@code serviceTime} (simulated
 * work: a timer, not CPU, so servers do not compete for the host's cores); up to {@code queue} more wait in FIFO order;
 * a request beyond that overflows: it is answered {@code 503} at once, or its connection is reset (see
 * {@link Overflow}), and counted. Its capacity is therefore {@code workers / serviceTime} requests per second.
 *
 * <p>{@code GET /health} and {@code GET /stats} bypass the model: the first answers {@code 200 ok}, the second a line
 * of counters and the process's CPU time. Everything runs on one event-loop thread, so the model needs no locks.
 */
public final class DemoRealServer implements AutoCloseable {

    /** What happens to a request that finds every worker busy and the queue full. */
    public enum Overflow {
        /** Answer {@code 503 Service Unavailable} at once. */
        REJECT,
        /** Reset the connection without an answer, like a full accept queue. */
        REFUSE
    }

    private final String name;
    private final int workers;
    private final long serviceNanos;
    private final int queueLimit;
    private final Overflow overflow;
    private final EventLoopGroup group;
    private final Channel listener;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int busy;
    private volatile long served;
    private volatile long overflowed;
    private volatile long abandoned;

    private record Pending(ChannelHandlerContext ctx, boolean keepAlive) {
    }

    private DemoRealServer(String name, InetSocketAddress address, int workers, Duration serviceTime, int queue,
            Overflow overflow) throws InterruptedException {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 but was " + workers);
        }
        if (serviceTime.isNegative()) {
            throw new IllegalArgumentException("serviceTime must be >= 0 but was " + serviceTime);
        }
        if (queue < 0) {
            throw new IllegalArgumentException("queue must be >= 0 but was " + queue);
        }
        this.name = name;
        this.workers = workers;
        this.serviceNanos = serviceTime.toNanos();
        this.queueLimit = queue;
        this.overflow = Objects.requireNonNull(overflow, "overflow");
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler());
                    }
                });
        try {
            this.listener = b.bind(address).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * Starts a real server on {@code address} (port 0 picks a free one).
     *
     * @param name the name it puts in its answers
     * @param workers requests in service at once, at least 1
     * @param serviceTime how long each request is in service
     * @param queue requests that may wait for a worker, 0 or more
     * @param overflow what happens beyond that
     */
    public static DemoRealServer start(String name, InetSocketAddress address, int workers, Duration serviceTime,
            int queue, Overflow overflow) throws InterruptedException {
        return new DemoRealServer(name, address, workers, serviceTime, queue, overflow);
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Requests answered {@code 200} after service. */
    public long served() {
        return served;
    }

    /** Requests that overflowed the queue (answered 503 or reset). */
    public long overflowed() {
        return overflowed;
    }

    /** Requests whose client went away before a worker took them. */
    public long abandoned() {
        return abandoned;
    }

    /** The counters and this process's CPU time, as {@code /stats} answers them. */
    public String stats() {
        return "name=" + name + " served=" + served + " overflowed=" + overflowed + " abandoned=" + abandoned
                + " cpu_ms=" + processCpuMillis();
    }

    /** This JVM's CPU time in milliseconds (user + system), or -1 where the platform does not say. */
    public static long processCpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? -1 : nanos / 1_000_000;
        }
        return -1;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void admit(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String uri = request.uri();
        if (uri.equals("/health")) {
            respond(ctx, HttpResponseStatus.OK, "ok\n", keepAlive);
        } else if (uri.equals("/stats")) {
            respond(ctx, HttpResponseStatus.OK, stats() + "\n", keepAlive);
        } else if (busy < workers) {
            serve(new Pending(ctx, keepAlive));
        } else if (queue.size() < queueLimit) {
            queue.addLast(new Pending(ctx, keepAlive));
        } else {
            overflowed++;
            if (overflow == Overflow.REJECT) {
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded\n", keepAlive);
            } else {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
            }
        }
    }

    private void serve(Pending p) {
        busy++;
        p.ctx.executor().schedule(() -> done(p), serviceNanos, TimeUnit.NANOSECONDS);
    }

    private void done(Pending p) {
        busy--;
        if (p.ctx.channel().isActive()) {
            served++;
            respond(p.ctx, HttpResponseStatus.OK, "served by " + name + "\n", p.keepAlive);
        } else {
            abandoned++;
        }
        while (busy < workers && !queue.isEmpty()) {
            Pending next = queue.pollFirst();
            if (next.ctx.channel().isActive()) {
                serve(next);
            } else {
                abandoned++;
            }
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request: " + request.decoderResult().cause()
                        + "\n", false);
                return;
            }
            admit(ctx, request);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset client; the request, if queued, is counted as abandoned when its turn comes
        }
    }
}
