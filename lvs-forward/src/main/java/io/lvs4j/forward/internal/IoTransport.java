package io.lvs4j.forward.internal;

import io.lvs4j.forward.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Netty transport: its I/O handler and channel classes. */
record IoTransport(String name, IoHandlerFactory handlers, Class<? extends ServerSocketChannel> serverChannel,
                   Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {

    private static final Logger LOG = LoggerFactory.getLogger(IoTransport.class);

    /** AUTO says once per process that it fell back to NIO. */
    private static final AtomicBoolean NIO_FALLBACK_LOGGED = new AtomicBoolean();

    /** Netty's switch for io_uring's multishot accept. */
    static final String MULTISHOT_ACCEPT = "io.netty.iouring.acceptMultiShotEnabled";

    /** A system property that makes {@link Transport#AUTO} take {@code nio}, {@code epoll} or {@code io_uring}. */
    static final String AUTO_PROPERTY = "lvs4j.transport.auto";

    /**
     * The heap a flow's socket holds on io_uring: Netty 4.2.18's io_uring datagram channel allocates two arrays of 256
     * message headers per socket; measured at 169 KiB per flow (docs/operations.md, "Heap"), against 1.6 KiB on epoll.
     */
    static final long IO_URING_FLOW_HEAP = 176L * 1024;

    /**
     * The most UDP flows a director on this transport may hold: {@code configured}, but on io_uring no more than half of
     * {@code maxHeap} can hold, so that a flood of new flows evicts old ones rather than filling the heap; at least 16.
     */
    int flowLimit(int configured, long maxHeap) {
        if (!name.equals("io_uring")) {
            return configured;
        }
        long byHeap = Math.max(16, maxHeap / 2 / IO_URING_FLOW_HEAP);
        return (int) Math.min(configured, byHeap);
    }

    static IoTransport of(Transport transport) {
        String forced = System.getProperty(AUTO_PROPERTY, "").strip().toUpperCase(Locale.ROOT);
        if (transport == Transport.AUTO && !forced.isEmpty()) {
            try {
                Transport chosen = Transport.valueOf(forced.replace('-', '_'));
                if (chosen != Transport.AUTO) {
                    return of(chosen);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + AUTO_PROPERTY + " must be nio, epoll or io_uring but was '"
                        + System.getProperty(AUTO_PROPERTY) + "'", e);
            }
        }
        switch (transport) {
            case NIO:
                return nio();
            case EPOLL:
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("transport EPOLL is not available here: "
                            + Epoll.unavailabilityCause());
                }
                return epoll();
            case IO_URING:
                if (!ioUringAvailable()) {
                    throw new IllegalStateException("transport IO_URING is not available here: "
                            + io.netty.channel.uring.IoUring.unavailabilityCause());
                }
                return ioUring();
            default:
                // io_uring where the kernel offers it (the fastest here, see docs/benchmarks.md), else NIO. Not
                // epoll: Netty 4.2.18's EpollIoHandler removes a channel from epoll when its interest set empties
                // (reads paused, then EPOLLRDHUP cleared) but keeps its state as added, so the next epoll_ctl(MOD)
                // fails with ENOENT and Netty closes the channel: a client that finishes sending while its reads are
                // paused for backpressure would be reset. EPOLL stays selectable.
                if (ioUringAvailable()) {
                    return ioUring();
                }
                if (NIO_FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.info("io_uring is not available ({}); using NIO. On Linux, add "
                            + "io.netty:netty-transport-native-io_uring with your platform's classifier to use it",
                            ioUringUnavailabilityCause());
                }
                return nio();
        }
    }

    private static String ioUringUnavailabilityCause() {
        try {
            Throwable cause = io.netty.channel.uring.IoUring.unavailabilityCause();
            return cause == null ? "unknown cause" : cause.toString();
        } catch (LinkageError e) {
            return e.toString();
        }
    }

    /**
     * Whether io_uring can be used. A multishot accept keeps accepting after the listener stops reading, which would
     * defeat maxconn's accept backpressure; with single accepts at most one is in flight, and AcceptLimiter holds it.
     * Netty reads the switch once, when its io_uring classes load: an embedding that set it first keeps its choice.
     */
    private static boolean ioUringAvailable() {
        if (System.getProperty(MULTISHOT_ACCEPT) == null) {
            System.setProperty(MULTISHOT_ACCEPT, "false");
        }
        try {
            return io.netty.channel.uring.IoUring.isAvailable();
        } catch (LinkageError e) {
            return false; // no io_uring classes or native library for this platform
        }
    }

    private static IoTransport ioUring() {
        return new IoTransport("io_uring", io.netty.channel.uring.IoUringIoHandler.newFactory(),
                io.netty.channel.uring.IoUringServerSocketChannel.class,
                io.netty.channel.uring.IoUringSocketChannel.class, io.netty.channel.uring.IoUringDatagramChannel.class);
    }

    private static IoTransport nio() {
        return new IoTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    private static IoTransport epoll() {
        return new IoTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollDatagramChannel.class);
    }

    /**
     * Makes the channel towards {@code target} in its own address family on NIO and epoll: a socket made for IPv4
     * needs no {@code IPV6_V6ONLY} option, which the default dual-stack socket costs on every connection. Netty's
     * io_uring channel cannot be made for a family (its constructors that take a socket are not public), so on
     * io_uring the socket stays dual-stack and pays that option.
     */
    SocketChannel newSocketChannel(InetSocketAddress target) {
        SocketProtocolFamily family = target.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET
                : SocketProtocolFamily.INET6;
        if (socketChannel == EpollSocketChannel.class) {
            return new EpollSocketChannel(family);
        }
        if (socketChannel == io.netty.channel.uring.IoUringSocketChannel.class) {
            return new io.netty.channel.uring.IoUringSocketChannel();
        }
        return new NioSocketChannel(java.nio.channels.spi.SelectorProvider.provider(), family);
    }

    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("lvs4j-" + name, true), handlers);
    }
}
