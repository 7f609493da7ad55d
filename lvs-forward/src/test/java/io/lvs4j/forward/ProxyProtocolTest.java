package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real server decodes the header with Netty's own HAProxyMessageDecoder. */
class ProxyProtocolTest {

    @ParameterizedTest
    @EnumSource(value = ProxyProtocol.class, names = {"V1", "V2"})
    void realServerLearnsTheClientsAddress(ProxyProtocol version) throws Exception {
        CompletableFuture<HAProxyMessage> decoded = new CompletableFuture<>();
        try (Backends.Server backend = new Backends.Server(16, s -> {
            EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[1];
                while (decoder.inboundMessages().isEmpty() && in.read(buf) > 0) {
                    decoder.writeInbound(Unpooled.wrappedBuffer(buf.clone()));
                }
                decoded.complete(decoder.readInbound());
                s.getOutputStream().write('k');
            } catch (Exception e) {
                decoded.completeExceptionally(e);
            } finally {
                decoder.finishAndReleaseAll();
            }
        })) {
            VirtualService vs = VirtualService.tcp("127.0.0.1", Backends.freePort()).scheduler("rr")
                    .realServer(RealServer.builder(backend.address()).proxyProtocol(version).build()).build();
            try (Director director = Director.builder().virtualService(vs).ioThreads(1).build();
                 Socket client = new Socket()) {
                director.start().toCompletableFuture().join();
                client.connect(vs.address(), 5000);
                client.setSoTimeout(10_000);
                assertThat(client.getInputStream().read()).isEqualTo('k');
                HAProxyMessage header = decoded.get(10, TimeUnit.SECONDS);
                try {
                    InetSocketAddress local = (InetSocketAddress) client.getLocalSocketAddress();
                    assertThat(header.protocolVersion()).isEqualTo(version == ProxyProtocol.V1
                            ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
                    assertThat(header.sourceAddress()).isEqualTo(local.getAddress().getHostAddress());
                    assertThat(header.sourcePort()).isEqualTo(local.getPort());
                    assertThat(header.destinationAddress()).isEqualTo("127.0.0.1");
                    assertThat(header.destinationPort()).isEqualTo(vs.address().getPort());
                } finally {
                    header.release();
                }
            }
        }
    }
}
