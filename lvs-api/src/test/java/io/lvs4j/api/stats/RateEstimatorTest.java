package io.lvs4j.api.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateEstimatorTest {

    private static StatsSnapshot totals(long conns, long inBytes) {
        return new StatsSnapshot(conns, 0, 0, inBytes, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void firstIntervalMovesAQuarterOfTheWay() {
        RateEstimator e = new RateEstimator();
        e.estimate(totals(0, 0));
        e.estimate(totals(200, 2_000_000)); // 100 conn/s and 1,000,000 B/s over 2 s
        StatsSnapshot s = e.snapshot(totals(200, 2_000_000));
        assertThat(s.cps()).isEqualTo(25);
        assertThat(s.inBps()).isEqualTo(250_000);
        assertThat(s.connections()).isEqualTo(200);
    }

    @Test
    void steadyRateConvergesToTheTrueRate() {
        RateEstimator e = new RateEstimator();
        long conns = 0;
        long bytes = 0;
        e.estimate(totals(conns, bytes));
        for (int i = 0; i < 60; i++) {
            conns += 2 * 1234;
            bytes += 2 * 98_765;
            e.estimate(totals(conns, bytes));
        }
        StatsSnapshot s = e.snapshot(totals(conns, bytes));
        assertThat(s.cps()).isEqualTo(1234);
        assertThat(s.inBps()).isEqualTo(98_765);
    }

    @Test
    void rateDecaysWhenTrafficStops() {
        RateEstimator e = new RateEstimator();
        e.estimate(totals(0, 0));
        e.estimate(totals(2000, 0));
        long before = e.snapshot(totals(2000, 0)).cps();
        e.estimate(totals(2000, 0));
        long after = e.snapshot(totals(2000, 0)).cps();
        assertThat(before).isEqualTo(250);
        assertThat(after).isEqualTo(187); // scaled 192000 / 1024 = 187.5; the kernel adds 0x1FF, so a half rounds down
    }
}
