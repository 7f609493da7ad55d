package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the logs say while it is open: slf4j-simple writes to {@code System.err} as it is at each line, so this swaps
 * in a stream that keeps a copy and passes everything through. Also the Netty leak check (the detector runs at
 * {@code paranoid} in tests and reports through the same log).
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** The lines logged so far that contain {@code text}. */
    List<String> lines(String text) {
        String all;
        synchronized (copy) {
            all = copy.toString(StandardCharsets.UTF_8);
        }
        return all.lines().filter(l -> l.contains(text)).toList();
    }

    /**
     * Fails if Netty reported a leaked buffer: collects garbage, then allocates, which is when the detector reports
     * what was collected unreleased.
     */
    void assertNoLeaks() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20); // the collector's reference queue is filled asynchronously; nothing else to wait on
            for (int j = 0; j < 100; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                b.release();
                ByteBuf h = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
                h.release();
            }
        }
        assertThat(lines("LEAK:")).as("Netty buffer leaks").isEmpty();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
