package io.lvs4j.keepalived;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.keepalived.internal.ConfigSchema;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's admin endpoint: HTTP on loopback, every call authenticated with {@code Authorization: Bearer TOKEN}.
 *
 * <ul>
 *   <li>{@code GET /}: the stats page ({@link StatsPage}), the one call served without the token: it holds no data,
 *       and asks for the token to fetch {@code /status.json};</li>
 *   <li>{@code GET /status}: the {@code ipvsadm -L -n --stats --rate} table with roles and holds;</li>
 *   <li>{@code GET /status.json}: the whole state as JSON ({@link StatusDocument}), with this endpoint's own limits
 *       and counters under {@code "admin"};</li>
 *   <li>{@code GET /metrics}: Prometheus text format;</li>
 *   <li>{@code POST /weight?protocol=tcp&service=VIP:PORT&real=RIP:PORT&weight=N},
 *       {@code POST /drain?...}, {@code POST /disable?...}, {@code POST /enable?...}: HAProxy's runtime-API
 *       semantics (see {@link KeepalivedDirector});</li>
 *   <li>{@code POST /reload}: reads the file again and applies it (as SIGHUP does).</li>
 * </ul>
 *
 * <p>Answers are text: 200 with what was done; 400 naming the bad field; 401 without the right token (and nothing
 * else is said); 404, 405; 409 when a reload is refused; 408 when the request did not arrive within the request
 * deadline; 413 for a body over {@value #MAX_REQUEST_BODY} bytes, 431 for a request line or headers over 8 KiB; 500,
 * saying only that the director logged it, for an unexpected failure. It binds loopback only unless told that a remote
 * bind is wanted.
 *
 * <p>Every connection carries one request and is closed after its answer. At most {@link Limits#maxConnections()}
 * connections are open at once: a new one closes the oldest (unless it waits for a reload), so a client holding
 * connections open cannot keep a legitimate caller out. A connection must deliver its whole request, and read the answer, within {@link Limits#requestDeadline()}
 * of being accepted (the time a reload runs is not counted): a client that sends a byte now and then cannot hold it.
 */
public final class AdminServer implements AutoCloseable {

    /** The admin port a director listens on, and {@code lvs4j status} calls, unless told otherwise. */
    public static final int DEFAULT_PORT = 9180;

    /** The largest request body accepted, in bytes: {@value}. */
    public static final int MAX_REQUEST_BODY = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final long ERROR_LOG_EVERY = Duration.ofMinutes(1).toNanos();

    private final EventLoopGroup group;
    private final Channel channel;
    private final ExecutorService reloads;
    private final Connections connections;

    private AdminServer(EventLoopGroup group, Channel channel, ExecutorService reloads, Connections connections) {
        this.group = group;
        this.channel = channel;
        this.reloads = reloads;
        this.connections = connections;
    }

    /**
     * The endpoint's limits.
     *
     * @param maxConnections connections open at once (default {@value #DEFAULT_MAX_CONNECTIONS}); a new one past it
     *     closes the oldest
     * @param requestDeadline how long after being accepted a connection may take to send its whole request and read
     *     the answer, a reload's own run not counted (default 10 s)
     */
    public record Limits(int maxConnections, Duration requestDeadline) {

        /** The default connection limit: {@value}. */
        public static final int DEFAULT_MAX_CONNECTIONS = 64;
        /** The default request deadline: 10 s. */
        public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);

        /** Checks both, naming the bad one. */
        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1 but was " + maxConnections);
            }
            if (requestDeadline.isNegative() || requestDeadline.isZero()) {
                throw new IllegalArgumentException("requestDeadline must be > 0 but was " + requestDeadline);
            }
        }

        /** {@value #DEFAULT_MAX_CONNECTIONS} connections, 10 s. */
        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_DEADLINE);
        }
    }

    /**
     * Binds the endpoint.
     *
     * @param bind where to listen; a non-loopback address only with {@code remote}
     * @param token the bearer token every call must present
     * @param reload reads and applies the file, returning what changed or throwing with the reason it was refused
     * @throws IllegalArgumentException for a non-loopback {@code bind} without {@code remote}
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public static AdminServer start(InetSocketAddress bind, boolean remote, String token, KeepalivedDirector director,
            DirectorMetrics metrics, Callable<String> reload) {
        return start(bind, remote, token, director, metrics, reload, Limits.defaults());
    }

    /** {@link #start(InetSocketAddress, boolean, String, KeepalivedDirector, DirectorMetrics, Callable)} with limits. */
    public static AdminServer start(InetSocketAddress bind, boolean remote, String token, KeepalivedDirector director,
            DirectorMetrics metrics, Callable<String> reload, Limits limits) {
        InetAddress a = bind.getAddress();
        if (!remote && (a == null || !a.isLoopbackAddress())) {
            throw new IllegalArgumentException("the admin endpoint binds loopback addresses only, but was given "
                    + bind + "; say --admin-remote to expose it (its token then crosses the network in clear)");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lvs4j-admin", true),
                NioIoHandler.newFactory());
        ExecutorService reloads = Executors.newSingleThreadExecutor(new DefaultThreadFactory("lvs4j-reload", true));
        Connections connections = new Connections(limits.maxConnections());
        ErrorLog errors = new ErrorLog();
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    // one accept per turn of the loop, so that a flood of connections cannot crowd out the reads
                    // of a legitimate request accepted just before it
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator()
                            .maxMessagesPerRead(1))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            if (!connections.admit(c)) {
                                return;
                            }
                            c.pipeline().addLast(new Deadline(limits.requestDeadline()),
                                    new HttpServerCodec(4096, 8192, 8192), new BodyLimit(),
                                    new Handler(token, director, metrics, reload, reloads, errors, limits,
                                            connections));
                        }
                    }).bind(bind).syncUninterruptibly().channel();
            return new AdminServer(group, ch, reloads, connections);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            reloads.shutdown();
            throw new UncheckedIOException(new IOException("cannot bind the admin endpoint to "
                    + bind + ": " + e.getMessage(), e));
        }
    }

    /**
     * The open connections, oldest first. At the limit a new connection closes the oldest one that is not waiting for a
     * reload (an authenticated call): a hostile client holding connections open is the oldest, while a legitimate
     * request is read as soon as it is accepted. Used on the one event loop only.
     */
    private static final class Connections {
        private final int max;
        private final Set<Channel> open = new LinkedHashSet<>();
        private final AtomicInteger count = new AtomicInteger();
        private long closed;
        private long warned = Long.MIN_VALUE;

        Connections(int max) {
            this.max = max;
        }

        /** Whether {@code c} is served; if not, it is closed. */
        boolean admit(Channel c) {
            if (open.size() >= max) {
                Channel oldest = null;
                for (Channel o : open) {
                    Deadline d = o.pipeline().get(Deadline.class);
                    if (d == null || d.timer != null || d.answered) {
                        oldest = o;
                        break;
                    }
                }
                Channel victim = oldest != null ? oldest : c;
                closed++;
                long now = System.nanoTime();
                if (warned == Long.MIN_VALUE || now - warned >= ERROR_LOG_EVERY) {
                    warned = now;
                    LOG.warn("admin endpoint at its limit of {} connections: closed the {} ({} closed so far; logged "
                            + "at most once a minute)", max, victim == c ? "newest (all others wait for reloads)"
                            : "oldest", closed);
                }
                open.remove(victim);
                count.set(open.size());
                victim.close();
                if (victim == c) {
                    return false;
                }
            }
            open.add(c);
            count.set(open.size());
            c.closeFuture().addListener(f -> {
                open.remove(c);
                count.set(open.size());
            });
            return true;
        }
    }

    /** Connections open now; for tests. */
    int openConnections() {
        return connections.count.get();
    }

    /** Where the endpoint listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        reloads.shutdownNow();
    }

    /** A request's failure, as an HTTP status and a message. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final HttpResponseStatus status;

        Refused(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Closes the connection at its deadline, counted from when it was accepted: with a 408 when no answer has been
     * started, else as it is (a client not reading its answer). Paused while a reload runs; the answer then gets a
     * whole deadline of its own.
     */
    private static final class Deadline extends ChannelInboundHandlerAdapter {
        private final Duration deadline;
        private @Nullable ChannelHandlerContext context;
        private @Nullable ScheduledFuture<?> timer;
        private boolean answered;

        Deadline(Duration deadline) {
            this.deadline = deadline;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            arm();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pause();
            ctx.fireChannelInactive();
        }

        /** Starts a whole deadline from now; on the event loop. */
        void arm() {
            pause();
            ChannelHandlerContext ctx = context;
            if (ctx != null) {
                timer = ctx.executor().schedule(() -> expire(ctx), deadline.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        void pause() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void expire(ChannelHandlerContext ctx) {
            LOG.debug("admin connection from {} closed at its deadline of {}", ctx.channel().remoteAddress(),
                    deadline);
            if (answered) {
                ctx.close();
            } else {
                answered = true;
                // from the tail, through the HTTP encoder that sits after this handler
                ctx.channel().writeAndFlush(response(HttpResponseStatus.REQUEST_TIMEOUT, "the whole request must "
                        + "arrive within " + deadline.toMillis() + " ms\n", "text/plain"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** The body limit; a body over it is answered 413 and the connection closed (not kept to discard the rest). */
    private static final class BodyLimit extends HttpObjectAggregator {
        BodyLimit() {
            super(MAX_REQUEST_BODY);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            respond(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the request body must not exceed "
                    + MAX_REQUEST_BODY + " bytes\n", "text/plain");
        }
    }

    /**
     * Unexpected failures: each answered 500 without detail; the first logged with its stack trace, then at most one a
     * minute, saying how many were not logged.
     */
    private static final class ErrorLog {
        private long logged = Long.MIN_VALUE;
        private long unlogged;

        synchronized void failed(String what, Throwable cause) {
            long now = System.nanoTime();
            if (logged != Long.MIN_VALUE && now - logged < ERROR_LOG_EVERY) {
                unlogged++;
                return;
            }
            logged = now;
            long skipped = unlogged;
            unlogged = 0;
            LOG.error("admin call {} failed unexpectedly; answered 500 ({} more such failures not logged; logged at most "
                    + "once a minute)", what, skipped, cause);
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String token;
        private final KeepalivedDirector director;
        private final DirectorMetrics metrics;
        private final Callable<String> reload;
        private final ExecutorService reloads;
        private final ErrorLog errors;
        private final Limits limits;
        private final Connections connections;
        private boolean handled;

        Handler(String token, KeepalivedDirector director, DirectorMetrics metrics, Callable<String> reload,
                ExecutorService reloads, ErrorLog errors, Limits limits, Connections connections) {
            this.limits = limits;
            this.connections = connections;
            this.token = token;
            this.director = director;
            this.metrics = metrics;
            this.reload = reload;
            this.reloads = reloads;
            this.errors = errors;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (handled) {
                return; // one request a connection: a pipelined second one is dropped with the connection
            }
            handled = true;
            ctx.channel().config().setAutoRead(false);
            if (!request.decoderResult().isSuccess()) {
                boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
                respond(ctx, tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                        : HttpResponseStatus.BAD_REQUEST, tooLong ? "the request line must not exceed 4096 bytes, "
                        + "nor the headers 8192\n" : "malformed HTTP request\n", "text/plain");
                return;
            }
            if (request.method().equals(HttpMethod.GET) && (request.uri().equals("/")
                    || request.uri().equals("/index.html"))) {
                FullHttpResponse page = response(HttpResponseStatus.OK, StatsPage.HTML, "text/html");
                page.headers().set("Content-Security-Policy", StatsPage.CONTENT_SECURITY_POLICY);
                page.headers().set("X-Content-Type-Options", "nosniff");
                page.headers().set("Referrer-Policy", "no-referrer");
                page.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                answer(ctx, page);
                return;
            }
            String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
            if (!auth.startsWith("Bearer ") || !AdminToken.matches(token, auth.substring(7).strip())) {
                FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, "a valid admin token is needed: "
                        + "Authorization: Bearer TOKEN (the director wrote it to its token file)\n", "text/plain");
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"lvs4j\"");
                answer(ctx, r);
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            String path = query.path();
            HttpMethod method = request.method();
            try {
                switch (path) {
                    case "/status" -> {
                        expect(method, HttpMethod.GET);
                        respond(ctx, HttpResponseStatus.OK, director.status(), "text/plain");
                    }
                    case "/status.json" -> {
                        expect(method, HttpMethod.GET);
                        com.fasterxml.jackson.databind.node.ObjectNode tree = StatusDocument.tree(director);
                        com.fasterxml.jackson.databind.node.ObjectNode admin = tree.putObject("admin");
                        admin.put("maxConnections", limits.maxConnections());
                        admin.put("requestDeadlineMillis", limits.requestDeadline().toMillis());
                        admin.put("openConnections", connections.count.get());
                        admin.put("closedAtLimit", connections.closed);
                        FullHttpResponse r = response(HttpResponseStatus.OK, StatusDocument.write(tree),
                                "application/json");
                        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                        r.headers().set("X-Content-Type-Options", "nosniff");
                        answer(ctx, r);
                    }
                    case "/metrics" -> {
                        expect(method, HttpMethod.GET);
                        respond(ctx, HttpResponseStatus.OK, metrics.scrape(), "text/plain; version=0.0.4");
                    }
                    case "/weight", "/drain", "/disable", "/enable" -> {
                        expect(method, HttpMethod.POST);
                        respond(ctx, HttpResponseStatus.OK, change(path, query.parameters()) + "\n", "text/plain");
                    }
                    case "/reload" -> {
                        expect(method, HttpMethod.POST);
                        Deadline deadline = ctx.pipeline().get(Deadline.class);
                        deadline.pause();
                        reloads.execute(() -> {
                            String text;
                            try {
                                text = "reloaded: " + reload.call() + "\n";
                            } catch (Exception e) {
                                String refused = "reload refused: " + e.getMessage() + "\n";
                                ctx.executor().execute(() -> {
                                    deadline.arm();
                                    respond(ctx, HttpResponseStatus.CONFLICT, refused, "text/plain");
                                });
                                return;
                            } catch (Throwable e) { // an Error: answered and logged; the reload thread carries on
                                ctx.executor().execute(() -> {
                                    deadline.arm();
                                    failed(ctx, "POST /reload", e);
                                });
                                return;
                            }
                            String done = text;
                            ctx.executor().execute(() -> {
                                deadline.arm();
                                respond(ctx, HttpResponseStatus.OK, done, "text/plain");
                            });
                        });
                    }
                    default -> throw new Refused(HttpResponseStatus.NOT_FOUND, "no such call: " + path
                            + " (calls: GET /, GET /status, GET /status.json, GET /metrics, POST /weight /drain /disable /enable /reload)");
                }
            } catch (Refused e) {
                respond(ctx, e.status, e.getMessage() + "\n", "text/plain");
            } catch (IllegalArgumentException e) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n", "text/plain");
            } catch (RuntimeException e) {
                failed(ctx, method + " " + path, e);
            }
        }

        /** An unexpected failure: a generic 500 for the client, the details in the (rate-limited) log. */
        private void failed(ChannelHandlerContext ctx, String what, Throwable cause) {
            errors.failed(what, cause);
            respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: the director logged it\n",
                    "text/plain");
        }

        private String change(String path, Map<String, List<String>> params) {
            String protocolText = param(params, "protocol", "tcp");
            Protocol protocol = switch (protocolText.toLowerCase(Locale.ROOT)) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> throw new IllegalArgumentException("protocol must be tcp or udp but was '" + protocolText
                        + "'");
            };
            ServiceKey service = new ServiceKey(protocol,
                    endpoint("service", param(params, "service", null)));
            InetSocketAddress real = endpoint("real", param(params, "real", null));
            return switch (path) {
                case "/weight" -> {
                    String w = param(params, "weight", null);
                    if (!w.matches("\\d{1,5}")) {
                        throw new IllegalArgumentException("weight must be a whole number 0..65535 but was '" + w
                                + "'");
                    }
                    yield director.weight(service, real, Integer.parseInt(w));
                }
                case "/drain" -> director.drain(service, real);
                case "/disable" -> director.disable(service, real);
                default -> director.enable(service, real);
            };
        }

        private static void expect(HttpMethod method, HttpMethod wanted) {
            if (!method.equals(wanted)) {
                throw new Refused(HttpResponseStatus.METHOD_NOT_ALLOWED, "this call takes " + wanted + ", not "
                        + method);
            }
        }

        private static String param(Map<String, List<String>> params, String name, @Nullable String fallback) {
            List<String> v = params.get(name);
            if (v == null || v.isEmpty()) {
                if (fallback == null) {
                    throw new IllegalArgumentException("parameter '" + name + "' is missing");
                }
                return fallback;
            }
            return v.get(0);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Deadline deadline = ctx.pipeline().get(Deadline.class);
            if (cause instanceof IOException || deadline == null || deadline.answered) {
                LOG.debug("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
                ctx.close();
            } else {
                failed(ctx, "from " + ctx.channel().remoteAddress(), cause);
            }
        }
    }

    /** Parses {@code IP:PORT} or {@code [IPv6]:PORT}, an IP literal (never looked up). */
    static InetSocketAddress endpoint(String field, String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        String port = colon < 0 ? "" : text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // a bare IPv6 address needs brackets
        }
        if (ConfigSchema.ip(host) != null || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException(field + " must be IP:PORT (or [IPv6]:PORT) but was '" + text + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + " must be IP:PORT but was '" + text + "'", e);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String body, String type) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type + "; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set(HttpHeaderNames.CONNECTION, "close");
        return r;
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String type) {
        answer(ctx, response(status, body, type));
    }

    /** Writes the connection's one answer and closes it; unless the deadline answered first. */
    private static void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
        Deadline deadline = ctx.pipeline().get(Deadline.class);
        if (deadline != null) {
            if (deadline.answered) {
                response.release();
                return;
            }
            deadline.answered = true;
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
