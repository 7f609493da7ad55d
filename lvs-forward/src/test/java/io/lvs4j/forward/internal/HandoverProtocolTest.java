package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The handover socket against strangers and clumsy peers: nobody but a rightful successor gets a descriptor. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandoverProtocolTest {

    @TempDir
    Path dir;

    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicBoolean handedOver = new AtomicBoolean();
    private Handover.Giver giver;

    private Handover.Giver giver(int uid) throws IOException {
        giver = new Handover.Giver(dir.resolve("h.sock"), () -> {
            asked.incrementAndGet();
            return Map.of("TCP/127.0.0.1:1", 0); // never sent in these tests
        }, () -> handedOver.set(true), Duration.ofMillis(300), uid);
        return giver;
    }

    @AfterEach
    void close() {
        if (giver != null) {
            giver.close();
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(dir.resolve("h.sock")));
        return c;
    }

    /** Everything the giver says until it closes (bounded by its own timeout). */
    private static String readAll(SocketChannel c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (c.read(buf) >= 0 && buf.hasRemaining()) {
            // until EOF
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    /**
     * Once a successor serves, the path is the successor's: the predecessor that stops leaves it alone. Were it to
     * remove the file it finds its own, the successor could put its socket there between that check and the
     * removal, which would delete it, and the next director would find no one to adopt from.
     */
    @Test
    void aGiverThatHandedOverLeavesThePathToItsSuccessor() throws Exception {
        Path file = java.nio.file.Files.createFile(dir.resolve("listener"));
        io.netty.channel.unix.FileDescriptor fd = io.netty.channel.unix.FileDescriptor.from(file.toFile());
        try {
            giver = new Handover.Giver(dir.resolve("h.sock"), () -> Map.of("TCP/127.0.0.1:1", fd.intValue()),
                    () -> handedOver.set(true), Duration.ofSeconds(5), Handover.ownUid());
            Handover.Taken taken = Handover.take(dir.resolve("h.sock"), List.of("TCP/127.0.0.1:1"),
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            try {
                assertThat(taken.fds).containsOnlyKeys("TCP/127.0.0.1:1");
                taken.serving();
            } finally {
                taken.close();
            }
            await().atMost(Duration.ofSeconds(5)).untilTrue(handedOver);
            giver.close();
            giver = null;
            assertThat(dir.resolve("h.sock")).exists();
        } finally {
            fd.close();
        }
    }

    /** A giver that stops without handing over removes its socket file. */
    @Test
    void aGiverThatStopsRemovesItsPath() throws Exception {
        giver(Handover.ownUid());
        assertThat(dir.resolve("h.sock")).exists();
        giver.close();
        giver = null;
        assertThat(dir.resolve("h.sock")).doesNotExist();
    }

    @Test
    void aPeerOfAnotherUserGetsNothing() throws Exception {
        giver(Handover.ownUid() + 1); // this test process plays the stranger
        Handover.Taken taken = Handover.take(dir.resolve("h.sock"), List.of("TCP/127.0.0.1:1"), Duration.ofSeconds(5))
                .handle((t, e) -> t == null ? Handover.Taken.none() : t).get(10, TimeUnit.SECONDS);
        try {
            assertThat(taken.fds).isEmpty();
        } finally {
            taken.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> giver.strangers.get() == 1);
        assertThat(asked).hasValue(0);
        assertThat(handedOver).isFalse();
        assertThat(giver.handedOver()).isFalse();
    }

    @Test
    void garbageSilenceAndOverlongLinesEndTheExchangeAndNothingElse() throws Exception {
        giver(Handover.ownUid());
        try (SocketChannel c = connect()) {
            c.write(ByteBuffer.wrap("GET / HTTP/1.0\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(readAll(c)).startsWith("ERR not a handover request: 'GET / HTTP/1.0'");
        }
        try (SocketChannel c = connect()) { // says nothing: let go after the timeout
            long start = System.nanoTime();
            assertThat(readAll(c)).isEmpty();
            assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
        }
        try (SocketChannel c = connect()) {
            ByteBuffer line = ByteBuffer.allocate(Handover.MAX_LINE + 100);
            while (line.hasRemaining()) {
                line.put((byte) 'x');
            }
            line.flip();
            try {
                c.write(line);
            } catch (IOException e) {
                // closed while we wrote: fine
            }
            assertThat(readAll(c)).doesNotContain("OK");
        }
        try (SocketChannel c = connect()) {
            c.write(ByteBuffer.wrap((Handover.MAGIC + " TCP/127.0.0.1:1 TCP/127.0.0.1:1\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            assertThat(readAll(c)).startsWith("ERR the request names a service twice");
        }
        try (SocketChannel c = connect()) {
            c.write(ByteBuffer.wrap((Handover.MAGIC + " TCP/127.0.0.1:2\n").getBytes(StandardCharsets.US_ASCII)));
            assertThat(readAll(c)).isEqualTo("ERR the virtual services differ: only the successor has "
                    + "[TCP/127.0.0.1:2], only this director has [TCP/127.0.0.1:1]\n");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> giver.failed.get() == 5);
        assertThat(giver.handedOver()).isFalse();
        assertThat(handedOver).isFalse();
    }

    @Test
    void oneExchangeAtATime() throws Exception {
        giver(Handover.ownUid());
        try (SocketChannel first = connect(); SocketChannel second = connect()) {
            assertThat(readAll(second)).isEqualTo("ERR another handover is under way or done\n");
            assertThat(readAll(first)).isEmpty(); // then the first times out
        }
        assertThat(asked).hasValue(0);
    }
}
