package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * keepalived's {@code SMTP_CHECK}: the server passes when it greets with a {@code 220} banner, answers
 * {@code HELO name} with {@code 250}, within the timeout; the check then says {@code QUIT}. Multi-line replies
 * ({@code 250-...}) are read to their last line.
 */
public final class SmtpCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final String heloName;
    private final Duration timeout;

    /** An SMTP check saying {@code HELO heloName}. */
    public SmtpCheck(EventLoopGroup group, String heloName, Duration timeout) {
        this.group = group;
        this.heloName = heloName;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<CheckResult> check(RealServer realServer) {
        InetSocketAddress target = realServer.address();
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(1024),
                                new StringDecoder(StandardCharsets.US_ASCII),
                                new StringEncoder(StandardCharsets.US_ASCII), new Dialogue(result));
                    }
                })
                .connect(target).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.complete(CheckResult.down("connect to " + target + " failed: " + f.cause()));
                        return;
                    }
                    CheckDeadline.arm(f.channel(), result, timeout.toMillis(),
                            CheckResult.down("SMTP dialogue not done within " + timeout));
                });
        return result;
    }

    /** Banner, HELO, QUIT. */
    private final class Dialogue extends SimpleChannelInboundHandler<String> {
        private final CompletableFuture<CheckResult> result;
        private boolean heloSent;

        Dialogue(CompletableFuture<CheckResult> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (line.length() >= 4 && line.charAt(3) == '-') {
                return; // a continuation line of a multi-line reply
            }
            if (!heloSent) {
                if (!line.startsWith("220")) {
                    result.complete(CheckResult.down("SMTP banner '" + line + "', expected 220"));
                    return;
                }
                heloSent = true;
                ctx.writeAndFlush("HELO " + heloName + "\r\n");
            } else if (line.startsWith("250")) {
                ctx.writeAndFlush("QUIT\r\n");
                result.complete(CheckResult.up());
            } else {
                result.complete(CheckResult.down("SMTP HELO answered '" + line + "', expected 250"));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(CheckResult.down("SMTP server closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(CheckResult.down("SMTP check failed: " + cause));
            ctx.close();
        }
    }
}
