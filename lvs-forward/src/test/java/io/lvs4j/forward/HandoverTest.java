package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hitless upgrade: one director hands its listening sockets to another, under load, losing no connection. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HandoverTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** Answers "pong N" to each line "ping N" until the client finishes. */
    private Backends.Server pong() throws IOException {
        Backends.Server server = new Backends.Server(512, s -> {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.write(("pong" + line.substring(4) + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                s.shutdownOutput();
            } catch (IOException e) {
                // the client went away: counted on its side
            }
        });
        resources.add(server);
        return server;
    }

    private VirtualService service(InetSocketAddress vip, Backends.Server backend) {
        return VirtualService.builder(Protocol.TCP, vip).scheduler("rr")
                .realServer(RealServer.builder(backend.address()).build()).build();
    }

    private Director director(VirtualService vs, Transport transport, Path socket) {
        DirectorBuilder b = Director.builder().virtualService(vs).ioThreads(1).transport(transport)
                .handoverSocket(socket, Duration.ofSeconds(20));
        if (transport != Transport.IO_URING) { // io_uring can give its listeners, not adopt any
            b.adoptFrom(socket);
        }
        Director d = b.build();
        resources.add(d);
        return d;
    }

    /** One request on a fresh connection; null when it succeeded, else what went wrong. */
    private static String request(InetSocketAddress vip, int n) {
        try (Socket s = new Socket()) {
            s.connect(vip, 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("ping " + n + "\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return ("pong " + n).equals(answer) ? null : "request " + n + " answered " + answer;
        } catch (IOException e) {
            return "request " + n + ": " + e;
        }
    }

    /**
     * Connection-per-request clients and keep-alive clients run through the handover: none fails, new connections
     * reach the successor, the keep-alive connections stay with the predecessor, which drains once they end.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING"})
    void handsOverUnderLoadWithoutLosingAConnection(Transport first) throws Exception {
        Backends.Server backend = pong();
        InetSocketAddress vip = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
        VirtualService vs = service(vip, backend);
        Path socket = dir.resolve("handover.sock");
        Director old = director(vs, first, socket);
        old.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<CompletableFuture<?>> loops = new ArrayList<>();
        for (int t = 0; t < 3; t++) { // connection per request, bounded in count and time
            loops.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 20_000 && running.get() && System.nanoTime() - until < 0; i++) {
                    String failure = request(vip, i);
                    if (failure != null) {
                        failures.add(failure);
                    }
                    done.incrementAndGet();
                }
            }, clients));
        }
        AtomicInteger keptAlive = new AtomicInteger();
        CompletableFuture<Void> releaseKeepAlive = new CompletableFuture<>();
        for (int t = 0; t < 2; t++) { // keep-alive: one connection each, requests until told to finish
            loops.add(CompletableFuture.runAsync(() -> {
                try (Socket s = new Socket()) {
                    s.connect(vip, 2000);
                    s.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII));
                    for (int i = 0; i < 1_000_000 && System.nanoTime() - until < 0
                            && (!releaseKeepAlive.isDone() || i < 10); i++) {
                        s.getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                        String answer = in.readLine();
                        if (!("pong " + i).equals(answer)) {
                            failures.add("keep-alive request " + i + " answered " + answer);
                            return;
                        }
                        keptAlive.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.add("keep-alive: " + e);
                }
            }, clients));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> done.get() > 300 && keptAlive.get() > 300);

        Director successor = director(vs, Transport.AUTO, socket);
        successor.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(successor.isServing()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !old.isServing());
        int atHandover = done.get();
        long oldConnections = connections(old);
        await().atMost(Duration.ofSeconds(20)).until(() -> done.get() > atHandover + 300);
        // the keep-alive connections are still with the predecessor, which waits for them
        assertThat(old.handedOver().toCompletableFuture()).isNotDone();
        int keptBefore = keptAlive.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> keptAlive.get() > keptBefore + 100);
        releaseKeepAlive.complete(null);
        old.handedOver().toCompletableFuture().get(20, TimeUnit.SECONDS);
        running.set(false);
        CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

        assertThat(failures).isEmpty();
        assertThat(connections(successor)).isGreaterThan(250); // new connections went to the successor
        assertThat(connections(old)).isLessThan(oldConnections + 50); // the predecessor stopped accepting at once
        // and the successor can hand over in turn: its socket replaced the predecessor's at the same path
        Director third = director(vs, Transport.EPOLL, socket);
        third.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
        successor.handedOver().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(request(vip, 7)).isNull();
        assertThat(connections(third)).isEqualTo(1);
    }

    private static long connections(Director d) {
        return d.statistics().stream().mapToLong(s -> s.totals().connections()).sum();
    }

    /** A successor whose virtual services differ is refused by name; the predecessor serves on untouched. */
    @Test
    void refusesASuccessorWhoseServicesDiffer() throws Exception {
        Backends.Server backend = pong();
        InetSocketAddress vip = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
        InetSocketAddress other = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
        Path socket = dir.resolve("h.sock");
        Director old = director(service(vip, backend), Transport.EPOLL, socket);
        old.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Director successor = director(service(other, backend), Transport.EPOLL, socket);
        assertThatThrownBy(() -> successor.start().toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .hasMessageContaining("refused the handover")
                .hasMessageContaining("only the successor has [TCP/" + Backends.LOOPBACK.getHostAddress() + ":"
                        + other.getPort() + "]")
                .hasMessageContaining("only this director has [TCP/" + Backends.LOOPBACK.getHostAddress() + ":"
                        + vip.getPort() + "]");
        assertThat(old.isServing()).isTrue();
        assertThat(request(vip, 1)).isNull();
        assertThat(old.handedOver().toCompletableFuture()).isNotDone();
        // a rightful successor still can take over afterwards
        Director rightful = director(service(vip, backend), Transport.EPOLL, socket);
        rightful.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
        old.handedOver().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(request(vip, 2)).isNull();
    }

    /** With no predecessor (no socket file, or a stale one nobody listens on) the director binds as usual. */
    @Test
    void bindsWhenThereIsNoPredecessor() throws Exception {
        Backends.Server backend = pong();
        InetSocketAddress vip = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
        Path socket = dir.resolve("none.sock");
        Director first = director(service(vip, backend), Transport.AUTO, socket);
        first.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(request(vip, 1)).isNull();
        first.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(socket).doesNotExist(); // a stopping director removes its own socket file

        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists();
        Director second = director(service(vip, backend), Transport.AUTO, stale);
        second.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(request(vip, 2)).isNull();
    }

    /** A predecessor that dies midway: the successor binds the addresses itself. */
    @Test
    void bindsWhenThePredecessorDiesMidway() throws Exception {
        Backends.Server backend = pong();
        InetSocketAddress vip = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
        Path socket = dir.resolve("dying.sock");
        AtomicReference<String> asked = new AtomicReference<>();
        try (ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            fake.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<Void> dies = CompletableFuture.runAsync(() -> {
                try (SocketChannel c = fake.accept()) {
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
                        if (c.read(buf) < 0) {
                            break;
                        }
                    }
                    asked.set(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, clients);
            Director successor = director(service(vip, backend), Transport.EPOLL, socket);
            successor.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
            dies.get(5, TimeUnit.SECONDS);
            assertThat(asked.get()).isEqualTo("LVS4J-HANDOVER 1 TCP/" + Backends.LOOPBACK.getHostAddress() + ":"
                    + vip.getPort());
            assertThat(successor.isServing()).isTrue();
            assertThat(request(vip, 3)).isNull();
        }
    }

    /** The socket's directory must be private: a shared one is refused before anything is bound. */
    @Test
    void refusesASharedDirectory() throws Exception {
        Backends.Server backend = pong();
        InetSocketAddress vip = new InetSocketAddress(Backends.LOOPBACK, Backends.freePort());
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Director d = director(service(vip, backend), Transport.EPOLL, shared.resolve("h.sock"));
        assertThatThrownBy(() -> d.start().toCompletableFuture().join())
                .hasMessageContaining("handoverSocket")
                .hasMessageContaining("writable by it alone")
                .hasMessageContaining("rwxrwxrwx");
        assertThat(d.isServing()).isFalse();
        assertThat(d.boundAddress(d.virtualServices().get(0))).isNull();
    }

    /** Transports that cannot pass or adopt a socket are refused when the director is built, naming the reason. */
    @Test
    void refusesTransportsThatCannotHandOver() {
        Backends.Server backend;
        try {
            backend = pong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VirtualService vs = service(new InetSocketAddress(Backends.LOOPBACK, 1), backend);
        Path socket = dir.resolve("x.sock");
        assertThatThrownBy(() -> Director.builder().virtualService(vs).transport(Transport.NIO)
                .handoverSocket(socket, Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NIO cannot hand over");
        assertThatThrownBy(() -> Director.builder().virtualService(vs).transport(Transport.IO_URING)
                .adoptFrom(socket).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IO_URING cannot adopt");
        assertThatThrownBy(() -> Director.builder().virtualService(vs).handoverSocket(socket, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainGrace");
    }
}
