package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.Director;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client that never reads must not make the director buffer what the real server sends. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackpressureTest {

    private static final long HIGH_WATER = DefaultDirector.WATER_MARK.high();

    @Test
    void aClientThatNeverReadsKeepsBufferingUnderTwiceTheHighWaterMark() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        AtomicLong written = new AtomicLong();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocket backend = new ServerSocket(0, 16, lo)) {
            pool.execute(() -> {
                try (Socket s = backend.accept()) {
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[16 * 1024];
                    for (int i = 0; i < 64 * 64; i++) { // at most 64 MiB, far more than the socket buffers hold
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, lo)) {
                port = probe.getLocalPort();
            }
            VirtualService vs = VirtualService.tcp("127.0.0.1", port).scheduler("rr")
                    .realServer(RealServer.builder(new InetSocketAddress(lo, backend.getLocalPort())).build()).build();
            DefaultDirector director = (DefaultDirector) Director.builder().virtualService(vs).ioThreads(1).build();
            director.start().toCompletableFuture().join();
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(4096);
                client.connect(vs.address(), 5000);
                // the backend fills the kernel buffers on both legs, then blocks
                await().atMost(Duration.ofSeconds(20)).until(() -> written.get() > 512 * 1024);
                long before = written.get();
                await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(20))
                        .until(() -> written.get() == before || written.get() < 64L * 1024 * 1024);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> director.maxPendingClientBytes() < 2 * HIGH_WATER);
                assertThat(written.get()).as("the backend was stopped by backpressure, not by running out")
                        .isLessThan(64L * 1024 * 1024);
            } finally {
                director.close();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
