package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * keepalived's {@code UDP_CHECK}: sends {@code payload} from a connected UDP socket. With {@code requireReply}, the
 * server passes when a reply of {@code minReplyLength..maxReplyLength} bytes arrives within the timeout; without, it
 * passes unless the kernel reports the port unreachable (ICMP) within the timeout.
 */
public final class UdpCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final byte[] payload;
    private final boolean requireReply;
    private final int minReplyLength;
    private final int maxReplyLength;
    private final Duration timeout;

    /** Fails unless {@code 0 <= min <= max}, naming both. */
    public static void checkReplyLengths(int minReplyLength, int maxReplyLength) {
        if (minReplyLength < 0 || maxReplyLength < minReplyLength) {
            throw new IllegalArgumentException("reply length bounds must be 0 <= min <= max but were "
                    + minReplyLength + ".." + maxReplyLength);
        }
    }

    /** A UDP check. */
    public UdpCheck(EventLoopGroup group, byte[] payload, boolean requireReply, int minReplyLength,
                    int maxReplyLength, Duration timeout) {
        checkReplyLengths(minReplyLength, maxReplyLength);
        this.group = group;
        this.payload = payload.clone();
        this.requireReply = requireReply;
        this.minReplyLength = minReplyLength;
        this.maxReplyLength = maxReplyLength;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<CheckResult> check(RealServer realServer) {
        InetSocketAddress target = realServer.address();
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
                        int n = reply.content().readableBytes();
                        result.complete(n >= minReplyLength && n <= maxReplyLength ? CheckResult.up()
                                : CheckResult.down("UDP reply of " + n + " bytes, expected " + minReplyLength + ".."
                                + maxReplyLength));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        result.complete(CheckResult.down(cause instanceof PortUnreachableException
                                ? "UDP port unreachable" : "UDP check failed: " + cause));
                    }
                })
                .connect(target).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.complete(CheckResult.down("UDP socket to " + target + " failed: " + f.cause()));
                        return;
                    }
                    Channel ch = f.channel();
                    ch.writeAndFlush(Unpooled.wrappedBuffer(payload));
                    CheckDeadline.arm(ch, result, timeout.toMillis(), requireReply
                            ? CheckResult.down("no UDP reply within " + timeout) : CheckResult.up());
                });
        return result;
    }
}
