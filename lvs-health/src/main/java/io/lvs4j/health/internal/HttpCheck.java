package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.health.HttpGet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
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
 * {@code Connection: close}, then the status, MD5 digest and regex rules of {@link HttpGet}; the connection must open
 * within the connect timeout and the answer must follow within it. No thread waits for a check. Per check it builds
 * only the channel, its decoder (and aggregator when a digest or regex reads the body) and one handler: the request is
 * prepared once, but for the Host header.
 */
public final class HttpCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final HttpGet spec;
    private final @Nullable InetSocketAddress connectTo;
    private final @Nullable SslContext ssl;
    private final int connectTimeoutMillis;
    private final CheckResult timedOut;
    private final boolean readsBody;
    private final byte[] requestHead;
    private final byte[] requestTail;

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
        this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()));
        this.timedOut = CheckResult.down("no answer within " + spec.connectTimeout());
        this.readsBody = spec.digest() != null || spec.regex() != null;
        String head = "GET " + spec.path() + (spec.http10() ? " HTTP/1.0" : " HTTP/1.1") + "\r\nHost: ";
        String tail = "\r\nConnection: close\r\nUser-Agent: lvs4j-health-check\r\n\r\n";
        if (spec.virtualHost() != null) {
            head += spec.virtualHost() + tail;
            tail = "";
        }
        this.requestHead = head.getBytes(StandardCharsets.UTF_8);
        this.requestTail = tail.getBytes(StandardCharsets.UTF_8);
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
        Exchange exchange = new Exchange(target);
        // no Bootstrap: its options map, reflective channel factory, resolver lookup and ChannelInitializer cost more
        // per check than the few lines below
        NioSocketChannel ch = new NioSocketChannel();
        ch.config().setConnectTimeoutMillis(connectTimeoutMillis);
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            String name = spec.sni() != null ? spec.sni()
                    : spec.virtualHost() != null ? spec.virtualHost()
                    : target.getAddress().getHostAddress();
            p.addLast(ssl.newHandler(ch.alloc(), name, target.getPort()));
        }
        // the request is written as bytes (no encoder); the aggregator only when the body is judged
        p.addLast(new HttpResponseDecoder());
        if (readsBody) {
            p.addLast(new HttpObjectAggregator(HttpGet.MAX_BODY_BYTES));
        }
        p.addLast(exchange);
        group.register(ch).addListener(exchange);
        return exchange.result;
    }

    /**
     * The request, written straight into a buffer: the fixed parts encoded once, the Host header (the target's
     * address unless a virtual host is set) per check.
     */
    ByteBuf request(ByteBufAllocator alloc, InetSocketAddress target) {
        ByteBuf buf = alloc.directBuffer(requestHead.length + requestTail.length + 64);
        buf.writeBytes(requestHead);
        if (spec.virtualHost() == null) {
            writeHost(buf, target);
        }
        buf.writeBytes(requestTail);
        return buf;
    }

    /** {@code ip:port}, an IPv6 address in brackets. */
    static void writeHost(ByteBuf buf, InetSocketAddress target) {
        InetAddress address = target.getAddress();
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            for (int i = 0; i < b.length; i++) {
                if (i > 0) {
                    buf.writeByte('.');
                }
                writeDecimal(buf, b[i] & 0xff);
            }
        } else {
            buf.writeByte('[');
            buf.writeCharSequence(address.getHostAddress(), StandardCharsets.US_ASCII);
            buf.writeByte(']');
        }
        buf.writeByte(':');
        writeDecimal(buf, target.getPort());
    }

    private static void writeDecimal(ByteBuf buf, int value) {
        int div = 1;
        while (div * 10 <= value) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            buf.writeByte('0' + value / div % 10);
        }
    }

    /** One check: registers and connects the channel, sends the request, judges the one response. */
    private final class Exchange extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
        final CompletableFuture<CheckResult> result = new CompletableFuture<>();
        private final InetSocketAddress target;
        private boolean connecting;
        private int status = -1;

        Exchange(InetSocketAddress target) {
            this.target = target;
        }

        /** First the registration, then the connection. */
        @Override
        public void operationComplete(ChannelFuture f) {
            Channel ch = f.channel();
            if (!f.isSuccess()) {
                result.complete(CheckResult.down("connect to " + target + " failed: " + f.cause()));
                ch.close();
            } else if (!connecting) {
                connecting = true;
                ch.connect(target).addListener(this);
            } else {
                CheckDeadline.arm(ch, result, connectTimeoutMillis, timedOut);
                ch.writeAndFlush(request(ch.alloc(), target));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                    result.complete(CheckResult.down("not an HTTP response: " + o.decoderResult().cause()));
                } else if (msg instanceof FullHttpResponse full) {
                    result.complete(judge(full));
                } else {
                    if (msg instanceof HttpResponse response) {
                        status = response.status().code();
                    }
                    if (msg instanceof LastHttpContent && status >= 0) {
                        result.complete(judgeStatus(status));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
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

    private CheckResult judgeStatus(int status) {
        return spec.statusPasses(status) ? CheckResult.up()
                : CheckResult.down("HTTP " + status + ", expected " + spec.statusCodes());
    }

    private CheckResult judge(FullHttpResponse response) {
        CheckResult byStatus = judgeStatus(response.status().code());
        if (!byStatus.healthy()) {
            return byStatus;
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
