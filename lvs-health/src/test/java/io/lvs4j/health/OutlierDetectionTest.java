package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.RealServer;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Passive outlier detection on a hand-driven timer. */
class OutlierDetectionTest {

    private static final IOException REFUSED = new ConnectException("Connection refused");

    private final ManualTimer timer = new ManualTimer();

    private static List<RealServer> servers(int n) {
        List<RealServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(RealServer.of("10.0.0." + (i + 1), 80));
        }
        return list;
    }

    private OutlierDetection detector(OutlierDetectionConfig.Builder config, List<RealServer> seen) {
        OutlierDetection d = OutlierDetection.create(config.build(), timer);
        seen.forEach(rs -> d.onSuccess(rs, 1000)); // the detector learns the servers from traffic
        return d;
    }

    private static void fail(OutlierDetection d, RealServer rs, int times) {
        for (int i = 0; i < times; i++) {
            d.onFailure(rs, REFUSED);
        }
    }

    @Test
    void consecutiveFailuresEjectAndASuccessInBetweenResetsTheCount() {
        List<RealServer> list = servers(10);
        RealServer rs = list.get(0);
        OutlierDetection d = detector(OutlierDetectionConfig.builder().consecutiveFailures(5), list);
        fail(d, rs, 4);
        d.onSuccess(rs, 1000);
        fail(d, rs, 4);
        assertThat(rs.isEjected()).isFalse();
        fail(d, rs, 1);
        assertThat(rs.isEjected()).isTrue();
        assertThat(rs.isAvailable()).isFalse();
    }

    @Test
    void anEjectedServerIsNotEjectedAgainByWhatItsOldConnectionsReport() {
        List<RealServer> list = servers(10);
        RealServer rs = list.get(0);
        OutlierDetection d = detector(OutlierDetectionConfig.builder().consecutiveFailures(3)
                .baseEjectionTime(Duration.ofSeconds(30)), list);
        fail(d, rs, 3);
        assertThat(d.ejectionCount(rs)).isEqualTo(1);
        // connects that were in flight when it was ejected still report, in any order
        d.onSuccess(rs, 1000);
        fail(d, rs, 7);
        d.onSuccess(rs, 1000);
        fail(d, rs, 3);
        assertThat(d.ejectionCount(rs)).isEqualTo(1);
        timer.advance(Duration.ofSeconds(30));
        assertThat(rs.isEjected()).isFalse();
        // back in: the count starts again from zero
        fail(d, rs, 2);
        assertThat(rs.isEjected()).isFalse();
        fail(d, rs, 1);
        assertThat(d.ejectionCount(rs)).isEqualTo(2);
    }

    @Test
    void failuresRecordedFromManyThreadsEjectOnceAndSuccessesNeverLoseAnEjection() throws Exception {
        List<RealServer> list = servers(10);
        RealServer rs = list.get(0);
        OutlierDetection d = detector(OutlierDetectionConfig.builder().consecutiveFailures(5), list);
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    fail(d, rs, 10_000);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rs.isEjected()).isTrue();
        assertThat(d.ejectionCount(rs)).isEqualTo(1);
    }

    @Test
    void eachEjectionLastsLongerUpToTheCap() {
        List<RealServer> list = servers(10);
        RealServer rs = list.get(0);
        OutlierDetection d = detector(OutlierDetectionConfig.builder().consecutiveFailures(3)
                .baseEjectionTime(Duration.ofSeconds(30)).maxEjectionTime(Duration.ofSeconds(75)), list);
        Duration[] expected = {Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(75),
            Duration.ofSeconds(75)};
        for (int n = 0; n < expected.length; n++) {
            fail(d, rs, 3);
            assertThat(rs.isEjected()).isTrue();
            assertThat(d.ejectionCount(rs)).isEqualTo(n + 1);
            timer.advance(expected[n].minusMillis(1));
            assertThat(rs.isEjected()).as("ejection %d still on", n + 1).isTrue();
            timer.advance(Duration.ofMillis(1));
            assertThat(rs.isEjected()).as("ejection %d over", n + 1).isFalse();
            assertThat(rs.isAvailable()).isTrue();
        }
    }

    @Test
    void noMoreThanTheMaximumShareIsEjectedButAlwaysOne() {
        List<RealServer> list = servers(10);
        OutlierDetection d = detector(OutlierDetectionConfig.builder().consecutiveFailures(2).maxEjectionPercent(10),
                list);
        fail(d, list.get(0), 2);
        fail(d, list.get(1), 2);
        assertThat(list.get(0).isEjected()).isTrue();
        assertThat(list.get(1).isEjected()).isFalse(); // 2 of 10 would exceed 10%
        List<RealServer> two = servers(2);
        OutlierDetection strict = detector(OutlierDetectionConfig.builder().consecutiveFailures(2)
                .maxEjectionPercent(0).panicThresholdPercent(0), two);
        fail(strict, two.get(0), 2);
        assertThat(two.get(0).isEjected()).isTrue(); // at least one, whatever the percentage
    }

    @Test
    void inPanicEveryEjectionIsLifted() {
        List<RealServer> list = servers(4);
        OutlierDetection d = detector(OutlierDetectionConfig.builder().consecutiveFailures(2).maxEjectionPercent(100)
                .panicThresholdPercent(50), list);
        fail(d, list.get(0), 2);
        fail(d, list.get(1), 2); // 2 of 4 usable: not below 50%
        assertThat(list.get(0).isEjected()).isTrue();
        assertThat(list.get(1).isEjected()).isTrue();
        assertThat(d.inPanic()).isFalse();
        fail(d, list.get(2), 2); // 1 of 4 would be usable: panic
        assertThat(d.inPanic()).isTrue();
        assertThat(list).noneMatch(RealServer::isEjected);
        assertThat(list).allMatch(RealServer::isAvailable);
    }

    @Test
    void badSettingsAreRejectedNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> OutlierDetectionConfig.builder().consecutiveFailures(0))
                .withMessage("consecutiveFailures must be >= 1 but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> OutlierDetectionConfig.builder().maxEjectionPercent(101))
                .withMessage("maxEjectionPercent must be 0..100 but was 101");
        assertThatIllegalArgumentException().isThrownBy(() -> OutlierDetectionConfig.builder()
                        .baseEjectionTime(Duration.ofSeconds(10)).maxEjectionTime(Duration.ofSeconds(5)).build())
                .withMessage("maxEjectionTime (PT5S) must not be shorter than baseEjectionTime (PT10S)");
    }
}
