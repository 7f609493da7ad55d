package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthMonitor;
import io.netty.bootstrap.Bootstrap;
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
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP_CHECK, SMTP_CHECK and DNS_CHECK against servers the test runs on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolChecksTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static HealthMonitor monitor;

    @BeforeAll
    static void start() {
        monitor = HealthMonitors.create(HealthMonitorConfig.ofDefaults(), CheckFactory.tcp(TIMEOUT));
    }

    @AfterAll
    static void stop() {
        monitor.close();
    }

    private static CheckResult run(CheckFactory factory, int port) throws Exception {
        RealServer rs = RealServer.builder(new InetSocketAddress(LO, port)).build();
        VirtualService vs = VirtualService.tcp("127.0.0.1", 1).realServer(rs).build();
        return factory.checkFor(vs, rs).check(rs).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static int closedUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void udpCheckWantsAReplyOfTheRightLength() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[512];
                while (!echo.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            assertThat(run(CheckFactory.udp(ping, true, 1, 64, TIMEOUT), echo.getLocalPort()).healthy()).isTrue();
            CheckResult tooShort = run(CheckFactory.udp(ping, true, 10, 64, TIMEOUT), echo.getLocalPort());
            assertThat(tooShort.healthy()).isFalse();
            assertThat(tooShort.detail()).isEqualTo("UDP reply of 4 bytes, expected 10..64");
        }
        int closed = closedUdpPort();
        CheckResult unreachable = run(CheckFactory.udp(new byte[] {1}, false, 0, 0, TIMEOUT), closed);
        assertThat(unreachable.healthy()).isFalse();
        assertThat(unreachable.detail()).isEqualTo("UDP port unreachable");
    }

    private static int smtpServer(String banner, String heloReply) throws Exception {
        ServerSocket server = new ServerSocket(0, 10, LO);
        Thread t = new Thread(() -> {
            try (server; Socket s = server.accept()) {
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII));
                out.write((banner + "\r\n").getBytes(StandardCharsets.US_ASCII));
                String helo = in.readLine();
                if (helo != null && helo.startsWith("HELO lvs4j")) {
                    out.write((heloReply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                in.readLine(); // QUIT
            } catch (Exception e) {
                // the check closed first
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    @Test
    void smtpCheckWantsTheBannerAndAnAnswerToHelo() throws Exception {
        assertThat(run(CheckFactory.smtp("lvs4j", TIMEOUT), smtpServer("220 mx ESMTP", "250 mx")).healthy()).isTrue();
        assertThat(run(CheckFactory.smtp("lvs4j", TIMEOUT), smtpServer("220-mx first\r\n220 mx ready", "250 ok"))
                .healthy()).isTrue();
        CheckResult busy = run(CheckFactory.smtp("lvs4j", TIMEOUT), smtpServer("421 mx busy", "250 ok"));
        assertThat(busy.detail()).isEqualTo("SMTP banner '421 mx busy', expected 220");
        CheckResult refused = run(CheckFactory.smtp("lvs4j", TIMEOUT), smtpServer("220 mx", "550 go away"));
        assertThat(refused.detail()).isEqualTo("SMTP HELO answered '550 go away', expected 250");
    }

    @Test
    void dnsCheckWantsAnAnswerFromTheServer() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel dns = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                            DnsQuestion question = q.recordAt(DnsSection.QUESTION);
                                            DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(),
                                                    q.sender(), q.id());
                                            r.addRecord(DnsSection.QUESTION, question);
                                            if (question.name().equals("svc.test.")) {
                                                r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(
                                                        question.name(), DnsRecordType.A, 60,
                                                        Unpooled.wrappedBuffer(new byte[] {127, 0, 0, 1})));
                                            } else {
                                                r.setCode(DnsResponseCode.NXDOMAIN);
                                            }
                                            ctx.writeAndFlush(r);
                                        }
                                    });
                        }
                    }).bind(new InetSocketAddress(LO, 0)).sync().channel();
            int port = ((InetSocketAddress) dns.localAddress()).getPort();
            assertThat(run(CheckFactory.dns("A", "svc.test.", TIMEOUT), port).healthy()).isTrue();
            CheckResult missing = run(CheckFactory.dns("A", "other.test.", TIMEOUT), port);
            assertThat(missing.healthy()).isFalse();
            assertThat(missing.detail()).isEqualTo("DNS answer NXDomain(3)");
            CheckResult silent = run(CheckFactory.dns("SOA", ".", Duration.ofMillis(300)), closedUdpPort());
            assertThat(silent.healthy()).isFalse();
            dns.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
