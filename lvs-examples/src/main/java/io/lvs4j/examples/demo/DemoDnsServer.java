package io.lvs4j.examples.demo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A toy DNS server for the UDP examples: it answers every question with NOERROR and one record: an A record
 * 127.0.0.1, an AAAA record ::1, a SOA record (what keepalived's DNS_CHECK asks for by default) or, for any other
 * type, a TXT record holding its name, so that {@code dig @VIP -p PORT whoami TXT} shows which real server answered.
 */
public final class DemoDnsServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicLong answered;

    private DemoDnsServer(EventLoopGroup group, Channel channel, AtomicLong answered) {
        this.group = group;
        this.channel = channel;
        this.answered = answered;
    }

    /** Starts a server named {@code name} on {@code address}. */
    public static DemoDnsServer start(String name, InetSocketAddress address) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lvs4j-dns", true),
                NioIoHandler.newFactory());
        AtomicLong answered = new AtomicLong();
        try {
            Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel c) {
                            c.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                            answered.incrementAndGet(); // counted before the client can see it
                                            ctx.writeAndFlush(answer(name, q));
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            // a malformed datagram: dropped, the server keeps answering others
                                        }
                                    });
                        }
                    }).bind(address).syncUninterruptibly().channel();
            return new DemoDnsServer(group, ch, answered);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalArgumentException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    private static DatagramDnsResponse answer(String name, DatagramDnsQuery q) {
        DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
        r.setAuthoritativeAnswer(true);
        if (q.count(DnsSection.QUESTION) == 0) {
            return r;
        }
        DnsQuestion question = q.recordAt(DnsSection.QUESTION);
        r.addRecord(DnsSection.QUESTION, question);
        DnsRecordType type = question.type();
        ByteBuf data;
        DnsRecordType answerType = type;
        if (type.equals(DnsRecordType.A)) {
            data = Unpooled.wrappedBuffer(new byte[] {127, 0, 0, 1});
        } else if (type.equals(DnsRecordType.AAAA)) {
            byte[] v6 = new byte[16];
            v6[15] = 1;
            data = Unpooled.wrappedBuffer(v6);
        } else if (type.equals(DnsRecordType.SOA)) {
            data = Unpooled.buffer(22);
            data.writeByte(0).writeByte(0); // mname and rname: the root
            data.writeInt(1).writeInt(3600).writeInt(600).writeInt(86400).writeInt(60);
        } else {
            byte[] text = name.getBytes(StandardCharsets.UTF_8);
            int len = Math.min(255, text.length);
            data = Unpooled.buffer(len + 1).writeByte(len).writeBytes(text, 0, len);
            answerType = DnsRecordType.TXT;
        }
        r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), answerType, 60, data));
        return r;
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Queries received so far. */
    public long answered() {
        return answered.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
