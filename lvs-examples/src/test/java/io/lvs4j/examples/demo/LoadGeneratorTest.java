package io.lvs4j.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load generator's accounting against real servers of known capacity, and its other outcomes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static LoadGenerator generator;

    @BeforeAll
    static void start() {
        generator = new LoadGenerator();
    }

    @AfterAll
    static void stop() {
        generator.close();
    }

    private static LoadRecords run(InetSocketAddress target, double rate, Duration duration, Duration timeout) {
        return generator.run(target, "/", rate, duration, timeout).done().orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static void assertAccounted(LoadRecords r, Map<Outcome, Integer> c) {
        assertThat(c.values().stream().mapToInt(Integer::intValue).sum()).as("every request has one outcome")
                .isEqualTo(r.sent());
    }

    @Test
    void everyRequestOfAnOverloadIsEitherServedOrRejectedAndBothSidesAgree() throws Exception {
        // capacity 2 workers / 50 ms = 40 requests/s, plus 2 waiting; 100 requests/s is 2.5x that
        try (DemoRealServer server = DemoRealServer.start("rs", ANY_PORT, 2, Duration.ofMillis(50), 2,
                DemoRealServer.Overflow.REJECT)) {
            LoadRecords r = run(server.address(), 100, Duration.ofSeconds(2), Duration.ofSeconds(5));
            Map<Outcome, Integer> c = r.counts();
            assertThat(r.sent()).isEqualTo(200);
            assertAccounted(r, c);
            assertThat(c.get(Outcome.OK)).as("served by the server").isEqualTo((int) server.served());
            assertThat(c.get(Outcome.HTTP_ERROR)).as("503 from the server").isEqualTo((int) server.overflowed());
            assertThat(c.get(Outcome.RESET) + c.get(Outcome.REFUSED) + c.get(Outcome.TIMEOUT)).isZero();
            // 2 s at 40/s is 80, plus the queue and the requests in service at the end; the rest is rejected
            assertThat(c.get(Outcome.OK)).isBetween(60, 100);
            Summary s = Summary.of(r, 2.0);
            assertThat(s.lost()).isEqualTo(200 - c.get(Outcome.OK));
            assertThat(s.p50Ms()).as("each request is in service 50 ms").isGreaterThanOrEqualTo(50);
            assertThat(s.p50Ms()).isLessThanOrEqualTo(s.p90Ms()).isLessThanOrEqualTo(s.p99Ms())
                    .isLessThanOrEqualTo(s.maxMs());
        }
    }

    @Test
    void underCapacityEveryRequestIsServedAfterItsServiceTime() throws Exception {
        try (DemoRealServer server = DemoRealServer.start("rs", ANY_PORT, 4, Duration.ofMillis(20), 8,
                DemoRealServer.Overflow.REJECT)) {
            LoadRecords r = run(server.address(), 50, Duration.ofSeconds(1), Duration.ofSeconds(5));
            assertThat(r.counts().get(Outcome.OK)).isEqualTo(50);
            Histogram h = r.okLatencies();
            assertThat(h.getMinValue()).as("microseconds").isGreaterThanOrEqualTo(20_000);
            assertThat(server.served()).isEqualTo(50);
            assertThat(server.overflowed()).isZero();
        }
    }

    @Test
    void aServerThatRefusesOnOverflowResetsTheConnections() throws Exception {
        try (DemoRealServer server = DemoRealServer.start("rs", ANY_PORT, 1, Duration.ofMillis(100), 0,
                DemoRealServer.Overflow.REFUSE)) {
            LoadRecords r = run(server.address(), 50, Duration.ofSeconds(1), Duration.ofSeconds(5));
            Map<Outcome, Integer> c = r.counts();
            assertAccounted(r, c);
            assertThat(c.get(Outcome.OK)).isEqualTo((int) server.served()).isBetween(5, 15);
            assertThat(c.get(Outcome.RESET)).isEqualTo((int) server.overflowed()).isEqualTo(50 - c.get(Outcome.OK));
        }
    }

    @Test
    void nothingListeningIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadRecords r = run(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100,
                Duration.ofMillis(500), Duration.ofSeconds(2));
        assertThat(r.counts().get(Outcome.REFUSED)).isEqualTo(50).isEqualTo(r.sent());
        assertThat(r.okLatencies().getTotalCount()).isZero();
    }

    @Test
    void aServerThatNeverAnswersTimesOutFromEachRequestsDueTime() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
            LoadRecords r = run((InetSocketAddress) silent.getLocalSocketAddress(), 40, Duration.ofMillis(500),
                    Duration.ofMillis(300));
            assertThat(r.counts().get(Outcome.TIMEOUT)).isEqualTo(20).isEqualTo(r.sent());
            for (int i = 0; i < r.sent(); i++) {
                assertThat(r.latencyMicros(i)).isBetween(300_000L, 2_000_000L);
            }
        }
    }

    @Test
    void recordsSurviveAFileAndABadFileIsNamed(@TempDir Path dir) throws Exception {
        try (DemoRealServer server = DemoRealServer.start("rs", ANY_PORT, 4, Duration.ofMillis(5), 8,
                DemoRealServer.Overflow.REJECT)) {
            LoadRecords r = run(server.address(), 100, Duration.ofMillis(300), Duration.ofSeconds(5));
            Path file = dir.resolve("r.txt");
            r.write(file);
            LoadRecords back = LoadRecords.read(file);
            assertThat(back.sent()).isEqualTo(r.sent());
            assertThat(back.counts()).isEqualTo(r.counts());
            assertThat(back.startEpochMicros()).isEqualTo(r.startEpochMicros());
            for (int i = 0; i < r.sent(); i++) {
                assertThat(back.sentEpochMicros(i)).isEqualTo(r.sentEpochMicros(i));
                assertThat(back.latencyMicros(i)).isEqualTo(r.latencyMicros(i));
            }
            Files.writeString(file, Files.readString(file).replaceFirst("\n0 ", "\nzero "));
            assertThatIllegalArgumentException().isThrownBy(() -> LoadRecords.read(file))
                    .withMessageContaining(file + ":2:");
        }
    }

    @Test
    void badRunsAreRefusedWithTheFieldNamed() {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        assertThatIllegalArgumentException().isThrownBy(() -> generator.run(a, "/", 0, Duration.ofSeconds(1),
                Duration.ofSeconds(1))).withMessageStartingWith("rate must be > 0");
        assertThatIllegalArgumentException().isThrownBy(() -> generator.run(a, "/", 10, Duration.ZERO,
                Duration.ofSeconds(1))).withMessageStartingWith("duration must be > 0");
        assertThatIllegalArgumentException().isThrownBy(() -> generator.run(a, "/", 10, Duration.ofSeconds(1),
                Duration.ZERO)).withMessageStartingWith("timeout must be > 0");
    }
}
