package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.health.HttpGet;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * keepalived's {@code HTTP_GET} / {@code SSL_GET} on Netty: connect, optionally TLS, one GET with
 * {@code Connection: close}, then the status, MD5 digest and regex rules of {@link HttpGet}; the whole exchange must
 * finish within the connect timeout. No thread waits for a check.
 */
public final class HttpCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final HttpGet spec;
    private final @Nullable InetSocketAddress connectTo;
    private final @Nullable SslContext ssl;

    /**
     * An HTTP check.
     *
     * @param connectTo the address to probe instead of the real server's ({@code connect_ip}/{@code connect_port})
     * @throws IllegalArgumentException if the TLS context cannot be built
     */
    public HttpCheck(EventLoopGroup group, HttpGet spec, @Nullable InetSocketAddress connectTo) {
        this.group = group;
        this.spec = spec;
        this.connectTo = connectTo;
        if (spec.tls()) {
            try {
                SslContextBuilder b = SslContextBuilder.forClient();
                if (!spec.verifyCertificate()) {
                    b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
                } else {
                    b.endpointIdentificationAlgorithm("HTTPS");
                }
                this.ssl = b.build();
            } catch (SSLException e) {
                throw new IllegalArgumentException("cannot build the TLS context of the SSL_GET check", e);
            }
        } else {
            this.ssl = null;
        }
    }

    @Override
    public CompletionStage<CheckResult> check(RealServer realServer) {
        InetSocketAddress target = connectTo != null ? connectTo : realServer.address();
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        long timeoutMillis = spec.connectTimeout().toMillis();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            String name = spec.sni() != null ? spec.sni()
                                    : spec.virtualHost() != null ? spec.virtualHost()
                                    : target.getAddress().getHostAddress();
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), name, target.getPort()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(HttpGet.MAX_BODY_BYTES),
                                new Response(result));
                    }
                });
        b.connect(target).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                result.complete(CheckResult.down("connect to " + target + " failed: " + f.cause()));
                return;
            }
            Channel ch = f.channel();
            CheckDeadline.arm(ch, result, timeoutMillis, CheckResult.down("no answer within " + spec.connectTimeout()));
            ch.writeAndFlush(request(target));
        });
        return result;
    }

    private FullHttpRequest request(InetSocketAddress target) {
        HttpVersion version = spec.http10() ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        FullHttpRequest req = new DefaultFullHttpRequest(version, HttpMethod.GET, spec.path());
        String host = spec.virtualHost();
        if (host == null) {
            String ip = target.getAddress().getHostAddress();
            host = (target.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + target.getPort();
        }
        req.headers().set(HttpHeaderNames.HOST, host);
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        req.headers().set(HttpHeaderNames.USER_AGENT, "lvs4j-health-check");
        return req;
    }

    /** Judges the one response. */
    private final class Response extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<CheckResult> result;

        Response(CompletableFuture<CheckResult> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            result.complete(judge(response));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(CheckResult.down("connection closed before a full response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(CheckResult.down("HTTP check failed: " + cause));
            ctx.close();
        }
    }

    private CheckResult judge(FullHttpResponse response) {
        int status = response.status().code();
        if (!spec.statusPasses(status)) {
            return CheckResult.down("HTTP " + status + ", expected " + spec.statusCodes());
        }
        ByteBuf content = response.content();
        if (spec.digest() != null) {
            String md5 = md5(content);
            if (!md5.equals(spec.digest())) {
                return CheckResult.down("body MD5 " + md5 + ", expected " + spec.digest());
            }
        }
        if (spec.regex() != null && !spec.regex().matcher(content.toString(StandardCharsets.UTF_8)).find()) {
            return CheckResult.down("body does not match " + spec.regex().pattern());
        }
        return CheckResult.up();
    }

    private static String md5(ByteBuf content) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(content.nioBuffer());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}
