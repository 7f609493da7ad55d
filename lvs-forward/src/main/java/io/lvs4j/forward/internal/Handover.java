package io.lvs4j.forward.internal;

import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.failover.FailoverHandover;
import io.lvs4j.api.failover.Role;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a director's listening sockets to a successor over a Unix domain socket, as HAProxy's {@code -x} and Envoy's
 * hot restart do: the descriptors travel as {@code SCM_RIGHTS} messages through Netty's epoll domain-socket channel
 * (Java cannot pass descriptors itself). The predecessor listens ({@link Giver}); the successor connects
 * ({@link #take}). The exchange, one US-ASCII line each unless said otherwise:
 * <pre>
 * successor:   LVS4J-HANDOVER 1 TCP/127.0.0.1:80 UDP/127.0.0.1:53   (the services it will serve)
 * predecessor: OK 2                                                (or ERR reason, and it closes)
 * successor:   READY                                               (it now reads descriptors only)
 * predecessor: one descriptor per service, in the successor's order
 * successor:   SERVING                                             (it adopted them and accepts)
 * </pre>
 * A director with a failover appends {@code FAILOVER} to its request; the predecessor then pauses its failover
 * ({@link FailoverHandover#pause}: no more adverts) and answers {@code OK n FAILOVER STATE}, where the last of the
 * {@code n} descriptors is the failover's socket and the listeners come first only when it is MASTER (a backup has
 * none bound: {@code n} is 1). A paused master goes on advertising while the successor adopts the listeners; just
 * before the successor starts its failover it says {@code QUIET} and waits for the predecessor's {@code QUIET} (its
 * adverts have stopped: {@link FailoverHandover#quiet}), so that one exchange separates the last advert of one from
 * the first of the other. On SERVING it releases the failover (no resignation); when the exchange fails after the
 * pause, it resumes advertising.
 * Only then does the predecessor stop accepting and drain. The predecessor answers only a peer of its own user
 * ({@code SO_PEERCRED}), one at a time, and gives up on an exchange that takes longer than its timeout, serving on
 * as before.
 */
final class Handover {

    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

    /** How long either side waits for the other, by default. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String MAGIC = "LVS4J-HANDOVER 1";
    /** The longest line either side accepts; a longer one ends the exchange. */
    static final int MAX_LINE = 64 * 1024;

    private Handover() {
    }

    /** How a listener is named on the wire: {@code TCP/127.0.0.1:80}, {@code UDP/[::1]:53}. */
    static String name(ServiceKey key) {
        return key.toString().replace(' ', '/');
    }

    /** This process's effective user id (Linux: {@code /proc/self/status}). */
    static int ownUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read this process's user id from /proc/self/status: " + e, e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    /** Fails unless the epoll transport, which passes descriptors, is there. */
    static void requireEpoll(String field) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException(field + " needs Netty's epoll transport (Linux, "
                    + "netty-transport-native-epoll for this platform) to pass sockets: " + Epoll.unavailabilityCause());
        }
    }

    /**
     * Checks that {@code socket}'s directory exists, belongs to this user and is writable by it alone, so that no
     * one else can put a socket of their own in its place.
     */
    static void checkDirectory(String field, Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        try {
            int owner = (Integer) Files.getAttribute(dir, "unix:uid");
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            int uid = ownUid();
            if (owner != uid || mode.contains(PosixFilePermission.GROUP_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IllegalStateException(field + " " + socket + ": its directory " + dir + " must belong to uid "
                        + uid + " and be writable by it alone, but belongs to uid " + owner + " with mode "
                        + PosixFilePermissions.toString(mode) + " (use a private directory, e.g. /run/lvs4j, 0700)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException(field + " " + socket + ": cannot check its directory " + dir + ": " + e,
                    e);
        }
    }

    private static EventLoopGroup newGroup(String name) {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), EpollIoHandler.newFactory());
    }

    private static void writeLine(ChannelHandlerContext ctx, String line) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.US_ASCII));
    }

    private static String line(Object msg) {
        try {
            return ((ByteBuf) msg).toString(StandardCharsets.US_ASCII);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The predecessor's side: listens at a path, and hands its listeners to the first peer that asks rightly. */
    static final class Giver implements AutoCloseable {
        private final Path path;
        private final int uid;
        private final Supplier<Map<String, Integer>> listeners;
        private final @Nullable FailoverHandover failover;
        private final Runnable onHandedOver;
        private final Duration timeout;
        private final EventLoopGroup group;
        private final Channel server;
        private final Object fileKey;
        private final AtomicBoolean busy = new AtomicBoolean();
        private final AtomicBoolean handedOver = new AtomicBoolean();
        /** Peers of another user, turned away. */
        final AtomicInteger strangers = new AtomicInteger();
        /** Exchanges refused or given up (mismatch, bad request, timeout, successor gone). */
        final AtomicInteger failed = new AtomicInteger();
        private final WarnLimiter warning = new WarnLimiter(Ticker.system());

        /**
         * Listens at {@code path} (created as a socket of mode 0600 under a temporary name and renamed over
         * {@code path}, so that it is never missing nor open to others).
         *
         * @param listeners this director's listeners now, by {@link #name}, with their descriptors; throws
         *     {@link IllegalStateException} with the reason when they cannot be handed over
         * @param onHandedOver called, off the event loop, once a successor serves on them
         * @param uid the user a peer must run as
         */
        Giver(Path path, Supplier<Map<String, Integer>> listeners, Runnable onHandedOver, Duration timeout, int uid)
                throws IOException {
            this(path, listeners, null, onHandedOver, timeout, uid);
        }

        /** As above, handing over {@code failover} too when not null (see the class comment). */
        Giver(Path path, Supplier<Map<String, Integer>> listeners, @Nullable FailoverHandover failover,
              Runnable onHandedOver, Duration timeout, int uid) throws IOException {
            requireEpoll("handoverSocket");
            this.path = path.toAbsolutePath();
            this.uid = uid;
            this.listeners = listeners;
            this.failover = failover;
            this.onHandedOver = onHandedOver;
            this.timeout = timeout;
            Path temp = this.path.resolveSibling("." + this.path.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            group = newGroup("lvs4j-handover");
            try {
                server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                        .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                            @Override
                            protected void initChannel(EpollDomainSocketChannel ch) throws IOException {
                                admit(ch);
                            }
                        })
                        .bind(new DomainSocketAddress(temp.toFile())).syncUninterruptibly().channel();
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                fileKey = Files.readAttributes(temp, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                Files.move(temp, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw e;
            }
            LOG.info("handing over the listeners to a successor that connects to {}", this.path);
        }

        private void admit(EpollDomainSocketChannel ch) throws IOException {
            int peer = ch.peerCredentials().uid();
            if (peer != uid) {
                strangers.incrementAndGet();
                if (warning.due()) {
                    LOG.warn("handover socket {}: turned away a peer of uid {} (only uid {} may take the listeners; "
                            + "{} turned away so far)", path, peer, uid, strangers.get());
                }
                ch.close();
                return;
            }
            if (handedOver.get() || !busy.compareAndSet(false, true)) {
                ch.writeAndFlush(Unpooled.copiedBuffer("ERR another handover is under way or done\n",
                        StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ch.closeFuture().addListener(f -> busy.set(false));
            ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE, true, true), new GiverExchange());
        }

        /** One exchange with a successor. */
        private final class GiverExchange extends ChannelInboundHandlerAdapter {
            private List<Integer> offered = List.of();
            private int step; // 0: waiting for the request, 1: for READY, 2: for SERVING, 3: done
            /** Whether the failover was paused for this exchange (and must be released or resumed). */
            private boolean paused;
            private boolean pausing;
            private boolean quieted;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.executor().schedule(() -> {
                    if (step < 3 && ctx.channel().isOpen()) {
                        fail(ctx, "the successor did not finish within " + timeout.toMillis() + " ms", false);
                    }
                }, timeout.toMillis(), TimeUnit.MILLISECONDS);
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof ByteBuf)) {
                    ReferenceCountUtil.release(msg);
                    fail(ctx, "unexpected message " + msg.getClass().getSimpleName(), true);
                    return;
                }
                String line = line(msg);
                if (pausing) {
                    fail(ctx, "unexpected line '" + abbreviate(line) + "' while the failover pauses", true);
                } else if (step == 0) {
                    request(ctx, line);
                } else if (step == 1 && line.equals("READY")) {
                    step = 2;
                    for (int fd : offered) {
                        ctx.write(new FileDescriptor(fd)); // sent, not closed: the listener keeps its descriptor
                    }
                    ctx.flush();
                } else if (step == 2 && line.equals("QUIET") && paused && !quieted && failover != null) {
                    quieted = true;
                    failover.quiet().whenComplete((v, e) -> ctx.executor().execute(() -> {
                        if (e != null) {
                            fail(ctx, "the failover cannot be quieted: " + rootMessage(e), true);
                        } else if (step == 2 && ctx.channel().isActive()) {
                            writeLine(ctx, "QUIET");
                        }
                    }));
                } else if (step == 2 && line.equals("SERVING")) {
                    step = 3;
                    handedOver.set(true);
                    if (paused && failover != null) {
                        paused = false;
                        failover.release(); // the successor advertises now: no resignation from here
                    }
                    ctx.close();
                    LOG.info("handed {} listener(s) over to the successor at {}; no longer accepting", offered.size(),
                            path);
                    CompletableFuture.runAsync(onHandedOver);
                } else {
                    fail(ctx, "unexpected line '" + abbreviate(line) + "' in step " + step, true);
                }
            }

            private void request(ChannelHandlerContext ctx, String line) {
                if (!line.startsWith(MAGIC)) {
                    fail(ctx, "not a handover request: '" + abbreviate(line) + "' (expected '" + MAGIC + " ...')",
                            true);
                    return;
                }
                String rest = line.substring(MAGIC.length()).strip();
                List<String> wanted = new ArrayList<>(rest.isEmpty() ? List.of() : List.of(rest.split(" +")));
                boolean withFailover = !wanted.isEmpty() && wanted.get(wanted.size() - 1).equals(FAILOVER);
                if (withFailover) {
                    wanted.remove(wanted.size() - 1);
                }
                if (withFailover != (failover != null)) {
                    fail(ctx, withFailover ? "the successor has a failover and this director none"
                            : "this director has a failover and the successor none", true);
                    return;
                }
                if (failover != null) {
                    pausing = true;
                    failover.pause().whenComplete((export, e) -> ctx.executor().execute(() -> {
                        pausing = false;
                        if (e != null) {
                            if (step == 0) {
                                fail(ctx, "the failover cannot be handed over: " + rootMessage(e), true);
                            }
                            return;
                        }
                        paused = true;
                        if (step != 0 || !ctx.channel().isActive()) {
                            resume(); // the exchange ended while the failover paused
                            return;
                        }
                        offer(ctx, wanted, rest, export);
                    }));
                    return;
                }
                offer(ctx, wanted, rest, null);
            }

            private void resume() {
                if (paused && failover != null) {
                    paused = false;
                    failover.resume();
                }
            }

            private void offer(ChannelHandlerContext ctx, List<String> wanted, String rest,
                               FailoverHandover.@Nullable Export export) {
                if (export != null && export.role() == Role.BACKUP) {
                    // a backup has no listener bound: only the failover's socket goes
                    offered = List.of(export.socketFd());
                    step = 1;
                    writeLine(ctx, "OK 1 " + FAILOVER + " " + export.state());
                    return;
                }
                Map<String, Integer> mine;
                try {
                    mine = listeners.get();
                } catch (IllegalStateException e) {
                    fail(ctx, e.getMessage(), true);
                    return;
                }
                Set<String> onlyThere = new TreeSet<>(wanted);
                onlyThere.removeAll(mine.keySet());
                Set<String> onlyHere = new TreeSet<>(mine.keySet());
                onlyHere.removeAll(wanted);
                if (new TreeSet<>(wanted).size() != wanted.size()) {
                    fail(ctx, "the request names a service twice: " + abbreviate(rest), true);
                } else if (!onlyThere.isEmpty() || !onlyHere.isEmpty()) {
                    fail(ctx, "the virtual services differ: only the successor has " + onlyThere
                            + ", only this director has " + onlyHere, true);
                } else {
                    List<Integer> fds = new ArrayList<>();
                    wanted.forEach(w -> fds.add(mine.get(w)));
                    if (export != null) {
                        fds.add(export.socketFd());
                    }
                    offered = fds;
                    step = 1;
                    writeLine(ctx, "OK " + fds.size() + (export == null ? "" : " " + FAILOVER + " " + export.state()));
                }
            }

            private void fail(ChannelHandlerContext ctx, String reason, boolean tell) {
                failed.incrementAndGet();
                step = 3;
                resume();
                LOG.warn("handover socket {}: no handover, serving on: {}", path, reason);
                if (tell) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("ERR " + reason + "\n", StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (step == 1 || step == 2) {
                    failed.incrementAndGet();
                    LOG.warn("handover socket {}: the successor left before it served; serving on", path);
                }
                step = 3;
                resume();
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(ctx, cause.toString(), false);
            }
        }

        /** Whether a successor took the listeners. */
        boolean handedOver() {
            return handedOver.get();
        }

        /**
         * Stops listening; removes the socket file unless a successor took over. Once one did, the path is the
         * successor's: it puts its own socket there as soon as it serves, which may be between a check of the file
         * here and its removal, so a giver that handed over never touches the path. (A successor that cannot listen
         * leaves this file behind, which nobody listens on: the next director binds as if there were none.)
         */
        @Override
        public void close() {
            server.close().syncUninterruptibly();
            if (handedOver.get()) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                return;
            }
            try {
                Object now = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                if (fileKey.equals(now)) {
                    Files.delete(path);
                }
            } catch (NoSuchFileException e) {
                // gone already
            } catch (IOException e) {
                LOG.warn("cannot remove the handover socket {}: {}", path, e.toString());
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The token that asks for (and announces) the failover's socket and state. */
    static final String FAILOVER = "FAILOVER";

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** What a successor received: descriptors by service name. */
    static final class Taken implements AutoCloseable {
        /** Nothing taken: there is no predecessor. */
        static Taken none() {
            return new Taken(null, null, new LinkedHashMap<>(), false, null);
        }

        private final @Nullable EventLoopGroup group;
        private final @Nullable Channel channel;
        /** Descriptors by {@link #name}; the caller takes them out as it adopts them. */
        final Map<String, Integer> fds;
        /** Whether a predecessor was there but left before handing over every listener. */
        final boolean predecessorGone;
        /** The predecessor failover's state, when its socket came too (under {@link #FAILOVER} in {@link #fds}). */
        final @Nullable String failoverState;

        Taken(@Nullable EventLoopGroup group, @Nullable Channel channel, Map<String, Integer> fds,
              boolean predecessorGone, @Nullable String failoverState) {
            this.group = group;
            this.channel = channel;
            this.fds = fds;
            this.predecessorGone = predecessorGone;
            this.failoverState = failoverState;
        }

        /** Completes with true when the predecessor has said QUIET, false when it left first. */
        final CompletableFuture<Boolean> quietAnswer = new CompletableFuture<>();

        /**
         * Asks the predecessor to stop its failover's adverts ({@link FailoverHandover#quiet}); completes when it has,
         * when it has left (nobody advertises then either), or after {@code timeout} (logged: its adverts and this
         * director's may then overlap, which its peers refuse as replayed, changing no role).
         */
        CompletableFuture<Void> quiet(Duration timeout) {
            Channel c = channel;
            if (c == null || !c.isActive()) {
                return CompletableFuture.completedFuture(null);
            }
            c.eventLoop().execute(() -> {
                ((EpollDomainSocketChannel) c).config().setReadMode(DomainSocketReadMode.BYTES);
                c.writeAndFlush(Unpooled.copiedBuffer("QUIET\n", StandardCharsets.US_ASCII));
            });
            return quietAnswer.completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS).thenAccept(quiet -> {
                if (!quiet && c.isActive()) {
                    LOG.warn("the predecessor did not say QUIET within {} ms; starting the failover anyway",
                            timeout.toMillis());
                }
            });
        }

        /** Tells the predecessor that this director serves on the listeners; it stops accepting and drains. */
        void serving() {
            Channel c = channel;
            if (c != null && c.isActive()) {
                c.writeAndFlush(Unpooled.copiedBuffer("SERVING\n", StandardCharsets.US_ASCII))
                        .addListener(ChannelFutureListener.CLOSE).syncUninterruptibly();
            }
        }

        /** Closes the connection and every descriptor not taken out of {@link #fds}. */
        @Override
        public void close() {
            for (int fd : fds.values()) {
                closeQuietly(fd);
            }
            fds.clear();
            if (channel != null) {
                channel.close().syncUninterruptibly();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    static void closeQuietly(int fd) {
        try {
            new FileDescriptor(fd).close();
        } catch (IOException e) {
            LOG.debug("cannot close descriptor {}: {}", fd, e.toString());
        }
    }

    /**
     * Asks the predecessor at {@code path} for the listeners of {@code names}. Completes with {@link Taken#none()}
     * when there is none (no socket file, or no one listening at it), with what it got when the predecessor leaves
     * midway, and fails when the predecessor refuses (naming its reason), is not of this user, or does not finish
     * within {@code timeout}.
     */
    static CompletableFuture<Taken> take(Path path, List<String> names, Duration timeout) {
        return take(path, names, timeout, false);
    }

    /** As above; with {@code failover}, asks for the predecessor failover's socket and state too. */
    static CompletableFuture<Taken> take(Path path, List<String> names, Duration timeout, boolean failover) {
        requireEpoll("adoptFrom");
        CompletableFuture<Taken> result = new CompletableFuture<>();
        if (!Files.exists(path)) {
            LOG.info("no predecessor at {}: binding the listeners", path);
            result.complete(Taken.none());
            return result;
        }
        int uid = ownUid();
        EventLoopGroup group = newGroup("lvs4j-adopt");
        Map<String, Integer> fds = new LinkedHashMap<>();
        TakerExchange exchange = new TakerExchange(path, names, uid, fds, result, group, failover);
        // scheduled before the connect, whose listener may shut the group down
        group.schedule(() -> exchange.fail("the predecessor at " + path + " did not hand over within "
                + timeout.toMillis() + " ms"), timeout.toMillis(), TimeUnit.MILLISECONDS);
        new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE, true, true), exchange);
                    }
                })
                .connect(new DomainSocketAddress(path.toFile())).addListener(f -> {
                    if (!f.isSuccess()) {
                        String why = String.valueOf(f.cause().getMessage());
                        if (why.contains("Connection refused") || why.contains("No such file")) {
                            LOG.info("no predecessor listening at {} ({}): binding the listeners", path, why);
                            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                            result.complete(Taken.none());
                        } else {
                            exchange.fail("cannot connect to the predecessor at " + path + ": " + why);
                        }
                    }
                });
        return result;
    }

    /** The successor's side of one exchange; runs on its own event loop. */
    private static final class TakerExchange extends ChannelInboundHandlerAdapter {
        private final Path path;
        private final List<String> names;
        private final int uid;
        private final Map<String, Integer> fds;
        private final CompletableFuture<Taken> result;
        private final EventLoopGroup group;
        private final boolean failover;
        private @Nullable Channel channel;
        private int expected = -1;
        /** What each descriptor in turn is: the names, then (with a failover) {@link #FAILOVER}. */
        private List<String> order = List.of();
        private @Nullable String failoverState;
        private @Nullable Taken taken;

        TakerExchange(Path path, List<String> names, int uid, Map<String, Integer> fds,
                      CompletableFuture<Taken> result, EventLoopGroup group, boolean failover) {
            this.path = path;
            this.names = names;
            this.uid = uid;
            this.fds = fds;
            this.result = result;
            this.group = group;
            this.failover = failover;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws IOException {
            channel = ctx.channel();
            int peer = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
            if (peer != uid) {
                fail("the handover socket " + path + " is held by uid " + peer + ", not this process's uid " + uid);
                return;
            }
            writeLine(ctx, MAGIC + (names.isEmpty() ? "" : " " + String.join(" ", names))
                    + (failover ? " " + FAILOVER : ""));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (result.isDone()) {
                if (msg instanceof FileDescriptor fd) {
                    closeQuietly(fd.intValue());
                } else if (msg instanceof ByteBuf && taken != null) {
                    String line = line(msg);
                    if (line.equals("QUIET")) {
                        taken.quietAnswer.complete(true);
                    } else {
                        LOG.warn("the predecessor at {} said '{}' after the handover", path, abbreviate(line));
                    }
                    return;
                }
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof FileDescriptor fd) {
                if (expected < 0 || fds.size() >= expected || fd.intValue() <= 0) {
                    closeQuietly(fd.intValue());
                    fail("the predecessor at " + path + " sent a descriptor out of turn");
                    return;
                }
                fds.put(order.get(fds.size()), fd.intValue());
                if (fds.size() == expected) {
                    taken = new Taken(group, channel, fds, false, failoverState);
                    result.complete(taken);
                }
                return;
            }
            String line = line(msg);
            if (expected < 0 && line.startsWith("ERR ")) {
                fail("the predecessor at " + path + " refused the handover: " + line.substring(4));
            } else if (expected < 0 && failover && line.startsWith("OK ")) {
                String[] w = line.split(" ");
                List<String> all = new ArrayList<>(names);
                all.add(FAILOVER);
                if (w.length != 4 || !w[2].equals(FAILOVER)
                        || !(w[1].equals(String.valueOf(all.size())) || w[1].equals("1"))) {
                    fail("the predecessor at " + path + " answered '" + abbreviate(line) + "' (expected OK "
                            + all.size() + " or OK 1, then FAILOVER and its state)");
                    return;
                }
                order = w[1].equals("1") ? List.of(FAILOVER) : all;
                expected = order.size();
                failoverState = w[3];
                ((EpollDomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
                writeLine(ctx, "READY");
            } else if (expected < 0 && !failover && line.equals("OK " + names.size())) {
                expected = names.size();
                order = names;
                ((EpollDomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
                writeLine(ctx, "READY");
                if (expected == 0) {
                    result.complete(new Taken(group, channel, fds, false, null));
                }
            } else {
                fail("the predecessor at " + path + " answered '" + abbreviate(line) + "'");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!result.isDone()) {
                // it died (or was stopped) midway: adopt what came, bind the rest once its sockets are closed
                LOG.warn("the predecessor at {} left after handing over {} of {} listener(s); binding the rest", path,
                        fds.size(), names.size());
                Integer half = fds.remove(FAILOVER); // a failover half handed over is not adopted
                if (half != null) {
                    closeQuietly(half);
                }
                result.complete(new Taken(group, null, fds, true, null));
            } else if (taken != null) {
                taken.quietAnswer.complete(false);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail("handover from " + path + " failed: " + cause);
        }

        void fail(String reason) {
            if (result.completeExceptionally(new IllegalStateException(reason))) {
                for (int fd : fds.values()) {
                    closeQuietly(fd);
                }
                fds.clear();
                Channel c = channel;
                if (c != null) {
                    c.close();
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
