package io.lvs4j.examples.demo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An open-loop, constant-rate HTTP load generator over Netty. Request {@code i} of a run is due at
 * {@code start + i / rate}, whatever happened to the requests before it (no coordinated omission); its response time
 * is measured from that due time, not from when it was sent. Each request uses its own connection
 * ({@code Connection: close}), as a browser of the study's time did, so requests that arrive while a director is
 * down are refused and those that arrive after a takeover are served by the new master.
 *
 * <p>Every request ends in exactly one {@link Outcome}; a run completes when each has one, so
 * {@code sent == ok + http errors + resets + refused + timeouts} always holds. "Request loss" is every request without
 * a {@code 2xx} answer.
 *
 * <p>Thread-safe: runs may overlap; each has its own {@link LoadRun}. Close the generator to free its event loop.
 */
public final class LoadGenerator implements AutoCloseable {

    /** How one request ended. */
    public enum Outcome {
        /** A {@code 2xx} answer. */
        OK,
        /** An answer with another status, e.g. {@code 503} from an overloaded real server. */
        HTTP_ERROR,
        /** The connection closed or was reset before a full answer. */
        RESET,
        /** The connection was refused: nothing listened. */
        REFUSED,
        /** No answer within the request timeout, counted from the request's due time. */
        TIMEOUT
    }

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EventLoopGroup group;

    /** A generator with one event-loop thread (enough for thousands of requests per second). */
    public LoadGenerator() {
        this(1);
    }

    /** A generator with {@code threads} event-loop threads. */
    public LoadGenerator(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /**
     * Offers {@code rate} requests per second to {@code target} for {@code duration}, each with {@code timeout}.
     *
     * @return the run; its {@link LoadRun#done()} completes when every request has its outcome
     */
    public LoadRun run(InetSocketAddress target, String path, double rate, Duration duration, Duration timeout) {
        Objects.requireNonNull(target, "target");
        if (!(rate > 0) || rate > 1_000_000) {
            throw new IllegalArgumentException("rate must be > 0 and <= 1000000 requests/s but was " + rate);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be > 0 but was " + duration);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
        }
        long total = (long) Math.floor(rate * duration.toNanos() / 1e9);
        if (total < 1 || total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rate x duration must make 1.." + (Integer.MAX_VALUE - 8)
                    + " requests but makes " + total);
        }
        LoadRun run = new LoadRun(target, path, rate, (int) total, timeout.toNanos());
        EventLoop pump = group.next();
        pump.execute(() -> run.begin(pump));
        return run;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One run: its schedule, its requests' records, and the future that completes when all have ended. */
    public final class LoadRun {
        private final InetSocketAddress target;
        private final String path;
        private final double rate;
        private final int total;
        private final long timeoutNanos;
        private final long[] dueNanos;
        private final long[] sentNanos;
        private final long[] latencyNanos;
        private final Outcome[] outcomes;
        private final CompletableFuture<LoadRecords> done = new CompletableFuture<>();
        private long startNanos;
        private long startEpochMicros;
        private int issued;
        private int ended;
        private @Nullable ScheduledFuture<?> ticker;

        LoadRun(InetSocketAddress target, String path, double rate, int total, long timeoutNanos) {
            this.target = target;
            this.path = path;
            this.rate = rate;
            this.total = total;
            this.timeoutNanos = timeoutNanos;
            this.dueNanos = new long[total];
            this.sentNanos = new long[total];
            this.latencyNanos = new long[total];
            this.outcomes = new Outcome[total];
        }

        /** Completes with the records of every request once each has an outcome. */
        public CompletableFuture<LoadRecords> done() {
            return done;
        }

        void begin(EventLoop pump) {
            startEpochMicros = System.currentTimeMillis() * 1000;
            startNanos = System.nanoTime();
            ticker = pump.scheduleAtFixedRate(this::tick, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
        }

        /** Issues every request that is due by now (several per tick when the rate is high or a tick was late). */
        private void tick() {
            long elapsed = System.nanoTime() - startNanos;
            long due = Math.min(total, (long) Math.floor(elapsed * rate / 1e9) + 1);
            while (issued < due) {
                int i = issued++;
                dueNanos[i] = (long) Math.floor(i * 1e9 / rate);
                sentNanos[i] = System.nanoTime() - startNanos;
                send(i);
            }
            if (issued == total && ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
        }

        private void send(int i) {
            EventLoop loop = group.next();
            Exchange exchange = new Exchange(i, loop);
            Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    exchange);
                        }
                    });
            long deadline = startNanos + dueNanos[i] + timeoutNanos - System.nanoTime();
            exchange.timer = loop.schedule(() -> exchange.end(Outcome.TIMEOUT), Math.max(0, deadline),
                    TimeUnit.NANOSECONDS);
            ChannelFuture f = b.connect(target);
            exchange.channel = f.channel();
            f.addListener(future -> {
                if (!future.isSuccess()) {
                    Throwable cause = future.cause();
                    exchange.end(cause instanceof ConnectException && !(cause
                            instanceof ConnectTimeoutException) ? Outcome.REFUSED
                            : cause instanceof ConnectTimeoutException ? Outcome.TIMEOUT
                            : Outcome.RESET);
                }
            });
        }

        /** Called on a request's event loop; hands the outcome to the pump's thread for counting. */
        private void record(int i, Outcome outcome, long endNanos) {
            outcomes[i] = outcome;
            latencyNanos[i] = endNanos - (startNanos + dueNanos[i]);
            synchronized (this) {
                ended++;
                if (ended == total) {
                    LoadRecords records = new LoadRecords(target, rate, startEpochMicros, dueNanos, sentNanos,
                            latencyNanos, outcomes);
                    done.complete(records);
                }
            }
        }

        /** One request's connection: sends the GET once connected and ends at the first outcome. */
        private final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
            private final int index;
            private final EventLoop loop;
            private boolean ended;
            private @Nullable ScheduledFuture<?> timer;
            private @Nullable Channel channel;

            Exchange(int index, EventLoop loop) {
                this.index = index;
                this.loop = loop;
            }

            void end(Outcome outcome) {
                if (!loop.inEventLoop()) {
                    loop.execute(() -> end(outcome));
                    return;
                }
                if (ended) {
                    return;
                }
                ended = true;
                long now = System.nanoTime();
                if (timer != null) {
                    timer.cancel(false);
                }
                Channel ch = channel;
                if (outcome != Outcome.OK && outcome != Outcome.HTTP_ERROR && ch != null) {
                    ch.close();
                }
                record(index, outcome, now);
            }

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
                get.headers().set(HttpHeaderNames.HOST, target.getHostString())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(get);
                ctx.fireChannelActive();
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                int status = response.status().code();
                end(status >= 200 && status < 300 ? Outcome.OK : Outcome.HTTP_ERROR);
                // the server closes (Connection: close), so the TIME_WAIT stays on its side; close if it does not
                ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                end(Outcome.RESET);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                end(Outcome.RESET);
                ctx.close();
            }
        }
    }
}
