package io.lvs4j.examples.keepalived;

import io.lvs4j.api.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's admin endpoint: HTTP on loopback, every call authenticated with {@code Authorization: Bearer TOKEN}.
 *
 * <ul>
 *   <li>{@code GET /status}: the {@code ipvsadm -L -n --stats --rate} table with roles and holds;</li>
 *   <li>{@code GET /metrics}: Prometheus text format;</li>
 *   <li>{@code POST /weight?protocol=tcp&service=VIP:PORT&real=RIP:PORT&weight=N},
 *       {@code POST /drain?...}, {@code POST /disable?...}, {@code POST /enable?...}: HAProxy's runtime-API
 *       semantics (see {@link KeepalivedDirector});</li>
 *   <li>{@code POST /reload}: reads the file again and applies it (as SIGHUP does).</li>
 * </ul>
 *
 * <p>Answers are text: 200 with what was done; 400 naming the bad field; 401 without the right token (and nothing
 * else is said); 404, 405; 409 when a reload is refused. It binds loopback only unless told that a remote bind is
 * wanted.
 */
public final class AdminServer implements AutoCloseable {

    /** The admin port a director listens on, and {@code lvs4j status} calls, unless told otherwise. */
    public static final int DEFAULT_PORT = 9180;

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 8192;

    private final EventLoopGroup group;
    private final Channel channel;
    private final ExecutorService reloads;

    private AdminServer(EventLoopGroup group, Channel channel, ExecutorService reloads) {
        this.group = group;
        this.channel = channel;
        this.reloads = reloads;
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
        InetAddress a = bind.getAddress();
        if (!remote && (a == null || !a.isLoopbackAddress())) {
            throw new IllegalArgumentException("the admin endpoint binds loopback addresses only, but was given "
                    + bind + "; say --admin-remote to expose it (its token then crosses the network in clear)");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lvs4j-admin", true),
                NioIoHandler.newFactory());
        ExecutorService reloads = Executors.newSingleThreadExecutor(new DefaultThreadFactory("lvs4j-reload", true));
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new ReadTimeoutHandler(10), new HttpServerCodec(4096, 8192, 8192),
                                    new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new Handler(token, director, metrics, reload, reloads));
                        }
                    }).bind(bind).syncUninterruptibly().channel();
            return new AdminServer(group, ch, reloads);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            reloads.shutdown();
            throw new java.io.UncheckedIOException(new java.io.IOException("cannot bind the admin endpoint to "
                    + bind + ": " + e.getMessage(), e));
        }
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

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String token;
        private final KeepalivedDirector director;
        private final DirectorMetrics metrics;
        private final Callable<String> reload;
        private final ExecutorService reloads;

        Handler(String token, KeepalivedDirector director, DirectorMetrics metrics, Callable<String> reload,
                ExecutorService reloads) {
            this.token = token;
            this.director = director;
            this.metrics = metrics;
            this.reload = reload;
            this.reloads = reloads;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request: " + request.decoderResult().cause()
                        + "\n", "text/plain");
                return;
            }
            String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
            if (!auth.startsWith("Bearer ") || !AdminToken.matches(token, auth.substring(7).strip())) {
                FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, "a valid admin token is needed: "
                        + "Authorization: Bearer TOKEN (the director wrote it to its token file)\n", "text/plain");
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"lvs4j\"");
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
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
                        reloads.execute(() -> {
                            HttpResponseStatus status = HttpResponseStatus.OK;
                            String text;
                            try {
                                text = "reloaded: " + reload.call();
                            } catch (Exception e) {
                                status = HttpResponseStatus.CONFLICT;
                                text = "reload refused: " + e.getMessage();
                            }
                            HttpResponseStatus s = status;
                            String t = text + "\n";
                            ctx.executor().execute(() -> respond(ctx, s, t, "text/plain"));
                        });
                    }
                    default -> throw new Refused(HttpResponseStatus.NOT_FOUND, "no such call: " + path
                            + " (calls: GET /status, GET /metrics, POST /weight /drain /disable /enable /reload)");
                }
            } catch (Refused e) {
                respond(ctx, e.status, e.getMessage() + "\n", "text/plain");
            } catch (IllegalArgumentException e) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n", "text/plain");
            }
        }

        private String change(String path, Map<String, List<String>> params) {
            String protocolText = param(params, "protocol", "tcp");
            Protocol protocol = switch (protocolText.toLowerCase(Locale.ROOT)) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> throw new IllegalArgumentException("protocol must be tcp or udp but was '" + protocolText
                        + "'");
            };
            KeepalivedDirector.ServiceKey service = new KeepalivedDirector.ServiceKey(protocol,
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
            LOG.debug("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
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
        } catch (java.net.UnknownHostException e) {
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
        ctx.writeAndFlush(response(status, body, type)).addListener(ChannelFutureListener.CLOSE);
    }
}
