package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * keepalived's {@code DNS_CHECK}: asks the real server for {@code type} records of {@code name} over UDP (default SOA
 * of {@code .}); it passes when a response with the query's id arrives within the timeout with NOERROR and at least
 * one answer.
 */
public final class DnsCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final DnsRecordType type;
    private final String name;
    private final Duration timeout;

    /** A DNS check. */
    public DnsCheck(EventLoopGroup group, DnsRecordType type, String name, Duration timeout) {
        this.group = group;
        this.type = type;
        this.name = name;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<CheckResult> check(RealServer realServer) {
        InetSocketAddress target = realServer.address();
        int id = ThreadLocalRandom.current().nextInt(1 << 16);
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryEncoder(), new DatagramDnsResponseDecoder(),
                                new SimpleChannelInboundHandler<DatagramDnsResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsResponse r) {
                                        result.complete(judge(r, id));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        result.complete(CheckResult.down("DNS check failed: " + cause));
                                    }
                                });
                    }
                })
                .bind(0).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.complete(CheckResult.down("DNS socket failed: " + f.cause()));
                        return;
                    }
                    Channel ch = f.channel();
                    DatagramDnsQuery query = new DatagramDnsQuery(null, target, id);
                    query.setRecursionDesired(false);
                    query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
                    ch.writeAndFlush(query);
                    CheckDeadline.arm(ch, result, timeout.toMillis(), CheckResult.down("no DNS answer within "
                            + timeout));
                });
        return result;
    }

    private CheckResult judge(DatagramDnsResponse r, int id) {
        if (r.id() != id) {
            return CheckResult.down("DNS answer with id " + r.id() + ", expected " + id);
        }
        if (!r.code().equals(DnsResponseCode.NOERROR)) {
            return CheckResult.down("DNS answer " + r.code());
        }
        if (r.count(DnsSection.ANSWER) == 0) {
            return CheckResult.down("DNS answer without " + type.name() + " records for " + name);
        }
        return CheckResult.up();
    }
}
