package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * keepalived's {@code TCP_CHECK}: the real server passes when a TCP connection to it (or to {@code connect_ip} /
 * {@code connect_port}) opens within the connect timeout; the connection is closed at once. Asynchronous on Netty:
 * no thread waits for a check.
 */
public final class TcpCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final int connectTimeoutMillis;
    private final @Nullable InetSocketAddress connectTo;
    private final @Nullable InetSocketAddress bindTo;

    /**
     * A TCP check.
     *
     * @param connectTo the address to probe instead of the real server's ({@code connect_ip}/{@code connect_port})
     * @param bindTo the source address to connect from ({@code bindto}), or {@code null}
     */
    public TcpCheck(EventLoopGroup group, Duration connectTimeout, @Nullable InetSocketAddress connectTo,
                    @Nullable InetSocketAddress bindTo) {
        this.group = group;
        this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        this.connectTo = connectTo;
        this.bindTo = bindTo;
    }

    @Override
    public CompletionStage<CheckResult> check(RealServer realServer) {
        InetSocketAddress target = connectTo != null ? connectTo : realServer.address();
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter());
        ChannelFuture f = bindTo != null ? b.connect(target, bindTo) : b.connect(target);
        f.addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                future.channel().close();
                result.complete(CheckResult.up());
            } else {
                result.complete(CheckResult.down("TCP connect to " + target + " failed: " + future.cause()));
            }
        });
        return result;
    }
}
