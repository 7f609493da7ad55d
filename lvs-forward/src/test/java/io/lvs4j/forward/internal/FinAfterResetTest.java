package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.forward.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUring;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A FIN to pass on to a peer whose reset has reached the socket but not yet its channel. */
class FinAfterResetTest {

    static List<Transport> nativeTransports() {
        List<Transport> found = new ArrayList<>();
        if (IoUring.isAvailable()) {
            found.add(Transport.IO_URING);
        }
        if (Epoll.isAvailable()) {
            found.add(Transport.EPOLL);
        }
        return found;
    }

    @ParameterizedTest
    @MethodSource("nativeTransports")
    void isDroppedWithoutAnException(Transport transport) throws Exception {
        IoTransport t = IoTransport.of(transport);
        EventLoopGroup group = t.newGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
            Channel ch = new Bootstrap().group(group).channelFactory((io.netty.channel.ChannelFactory<io.netty.channel.socket.SocketChannel>) () -> t.newSocketChannel(address))
                    .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                    .connect(address).sync().channel();
            java.net.Socket accepted = server.accept();
            accepted.setSoLinger(true, 0);
            CompletableFuture<Boolean> resetSeenWhileActive = new CompletableFuture<>();
            // all on the channel's event loop, so that the channel cannot hear of the reset before the FIN is tried
            ch.eventLoop().execute(() -> {
                try {
                    accepted.close(); // SO_LINGER 0: a reset
                    Socket socket = (Socket) ((UnixChannel) ch).fd();
                    boolean reset = false;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!reset && System.nanoTime() < deadline) {
                        reset = socket.getSoError() != 0; // ECONNRESET, once the reset has arrived
                    }
                    boolean active = ch.isActive();
                    TcpProxyConnection.shutdownOutput((DuplexChannel) ch); // ENOTCONN from shutdown(2)
                    resetSeenWhileActive.complete(reset && active);
                } catch (Throwable e) {
                    resetSeenWhileActive.completeExceptionally(e);
                }
            });
            assertThat(resetSeenWhileActive.get(10, TimeUnit.SECONDS)).isTrue();
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
