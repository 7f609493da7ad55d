package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadMirrorTest {

    /** An {@code lc} mirror's key is the overhead of an available server, {@link LoadMirror#SKIPPED} otherwise. */
    private static void assertMirrors(LoadMirror m, int i, RealServer rs) {
        assertThat(m.key(i)).as("key of %s", rs).isEqualTo(rs.isAvailable() ? rs.overhead() : LoadMirror.SKIPPED);
    }

    private static LoadMirror lc(RealServer... servers) {
        int[] weights = new int[servers.length];
        Arrays.fill(weights, 1);
        return LoadMirror.create(servers, weights, LoadMirror.Rule.LC);
    }

    @Test
    void everyCounterAndAvailabilityChangeReachesTheMirror() {
        RealServer a = RealServer.builder("10.0.0.1", 80).upperThreshold(3).build();
        RealServer b = RealServer.of("10.0.0.2", 80);
        a.connectionOpened(); // counted before the mirror exists
        LoadMirror m = lc(a, b);
        assertMirrors(m, 0, a);
        assertMirrors(m, 1, b);
        b.inactiveConnectionOpened();
        assertMirrors(m, 1, b);
        b.connectionActivated();
        assertMirrors(m, 1, b);
        b.connectionDeactivated();
        assertMirrors(m, 1, b);
        b.connectionClosed(false);
        assertMirrors(m, 1, b);
        a.connectionOpened();
        a.connectionOpened(); // 3 >= upper threshold: overloaded
        assertThat(a.isOverloaded()).isTrue();
        assertThat(m.key(0)).isEqualTo(LoadMirror.SKIPPED);
        a.connectionClosed(true);
        a.connectionClosed(true); // 1 * 4 < 3 * 3: cleared
        assertThat(a.isOverloaded()).isFalse();
        assertMirrors(m, 0, a);
        b.setWeight(0);
        assertThat(m.key(1)).isEqualTo(LoadMirror.SKIPPED);
        b.setWeight(2);
        b.setState(RealServerState.DOWN);
        assertThat(m.key(1)).isEqualTo(LoadMirror.SKIPPED);
        b.setState(RealServerState.UP);
        b.setEjected(true);
        assertThat(m.key(1)).isEqualTo(LoadMirror.SKIPPED);
        b.setEjected(false);
        b.setDraining(true);
        assertThat(m.key(1)).isEqualTo(LoadMirror.SKIPPED);
        b.setDraining(false);
        assertMirrors(m, 1, b);
        assertThat(m.key(1)).isZero();
    }

    @Test
    void aClosedMirrorKeepsItsLastWordsAndOthersStayCurrent() {
        RealServer rs = RealServer.of("10.0.0.1", 80);
        LoadMirror first = lc(rs);
        LoadMirror second = lc(RealServer.of("10.0.0.9", 80), rs);
        rs.connectionOpened();
        first.close();
        first.close(); // idempotent
        rs.connectionOpened();
        assertThat(first.key(0)).isEqualTo(256);
        assertThat(second.key(1)).isEqualTo(512);
    }

    /**
     * The race a single store after the counter update would lose: two threads update the counters in one order and
     * store their words in the other, leaving a stale word with nobody left to fix it. After all threads stop, the
     * mirror must equal the server, every round.
     */
    @Test
    void concurrentUpdatesNeverLeaveAStaleWord() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                RealServer rs = RealServer.of("10.0.0.1", 80);
                LoadMirror m = lc(rs);
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long seed = round * 31L + t;
                    done.add(pool.submit(() -> {
                        SplittableRandom r = new SplittableRandom(seed);
                        start.await(10, TimeUnit.SECONDS);
                        int open = 0;
                        for (int i = 0; i < 2_000; i++) {
                            if (open > 0 && r.nextBoolean()) {
                                rs.connectionClosed(true);
                                open--;
                            } else {
                                rs.connectionOpened();
                                open++;
                            }
                            if (seed % threads == 0 && i % 100 == 0) {
                                rs.setEjected(!rs.isEjected());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertMirrors(m, 0, rs);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The kernel's comparison: {@code -1} when load a / weight a is the smaller ratio, 0 when equal, 1 otherwise. */
    private static int kernelOrder(long loadA, int weightA, long loadB, int weightB) {
        return Long.signum(loadA * weightB - loadB * weightA);
    }

    /**
     * The weighted keys must order and tie every pair of load ratios as the kernel's cross-multiplication does, at the
     * extremes (weights 65534/65535, loads up to 2^31 - 1) where a floored fixed-point key would merge two ratios if it
     * had too few bits.
     */
    @Test
    void weightedKeysOrderRatiosExactlyAsTheKernelComparison() {
        SplittableRandom r = new SplittableRandom(18);
        long maxLoad = Integer.MAX_VALUE;
        for (int i = 0; i < 2_000_000; i++) {
            int wa = r.nextInt(8) == 0 ? 65535 - r.nextInt(3) : 1 + r.nextInt(65535);
            int wb = r.nextInt(8) == 0 ? 65535 - r.nextInt(3) : 1 + r.nextInt(65535);
            long la;
            long lb;
            switch (r.nextInt(4)) {
                case 0 -> { // near-equal ratios: lb / wb within one step of la / wa
                    la = r.nextLong(maxLoad / 65535) * 65535 / wb;
                    lb = Math.min(maxLoad, Math.max(0, la * wb / wa + r.nextInt(3) - 1));
                }
                case 1 -> {
                    la = maxLoad - r.nextInt(3);
                    lb = maxLoad - r.nextInt(3);
                }
                default -> {
                    la = r.nextLong(maxLoad + 1);
                    lb = r.nextLong(maxLoad + 1);
                }
            }
            // an inactive-only word carries the load as is for wlc
            long ka = LoadMirror.key(LoadMirror.Rule.WLC, la, wa);
            long kb = LoadMirror.key(LoadMirror.Rule.WLC, lb, wb);
            assertThat(Long.signum(ka - kb)).as("%d/%d against %d/%d", la, wa, lb, wb)
                    .isEqualTo(kernelOrder(la, wa, lb, wb));
        }
        // the closest distinct ratios with small loads: 1/65534 > 1/65535
        assertThat(LoadMirror.key(LoadMirror.Rule.WLC, 1, 65534)).isGreaterThan(LoadMirror.key(LoadMirror.Rule.WLC, 1,
                65535));
        assertThat(LoadMirror.key(LoadMirror.Rule.WLC, 65534, 65534)).isEqualTo(LoadMirror.key(LoadMirror.Rule.WLC,
                65535, 65535));
    }

    @Test
    void keysFollowEachRule() {
        long twoActiveThreeInactive = (2L << 32) | 3;
        assertThat(LoadMirror.key(LoadMirror.Rule.LC, twoActiveThreeInactive, 0)).as("lc ignores the weight")
                .isEqualTo(2 * 256 + 3);
        assertThat(LoadMirror.key(LoadMirror.Rule.WLC, twoActiveThreeInactive, 0)).isEqualTo(LoadMirror.SKIPPED);
        assertThat(LoadMirror.key(LoadMirror.Rule.SED, twoActiveThreeInactive, 4)).as("sed: (2 + 1) / 4")
                .isEqualTo((3L << 32) / 4);
        assertThat(LoadMirror.key(LoadMirror.Rule.NQ, twoActiveThreeInactive, 4)).isEqualTo((3L << 32) / 4);
        assertThat(LoadMirror.key(LoadMirror.Rule.NQ, 3, 4)).as("nq: idle beats everything").isZero();
        assertThat(LoadMirror.key(LoadMirror.Rule.SED, 3, 65535)).as("sed never 0").isPositive();
        for (LoadMirror.Rule rule : LoadMirror.Rule.values()) {
            assertThat(LoadMirror.key(rule, LoadMirror.word(0, false), 5)).as("%s unavailable", rule)
                    .isEqualTo(LoadMirror.SKIPPED);
            assertThat(LoadMirror.key(rule, (0x7fff_ffffL << 32) | 0xffff_ffffL, 1)).as("%s at the cap", rule)
                    .isLessThan(LoadMirror.SKIPPED);
        }
    }

    @Test
    void leastIsTheFirstSmallestKeyAndBadWeightsAreRefused() {
        RealServer a = RealServer.of("10.0.0.1", 80);
        RealServer b = RealServer.of("10.0.0.2", 80);
        RealServer c = RealServer.of("10.0.0.3", 80);
        a.connectionOpened();
        LoadMirror m = LoadMirror.create(new RealServer[] {a, b, c}, new int[] {1, 2, 2}, LoadMirror.Rule.WLC);
        assertThat(m.least()).as("b and c tie at 0: the first").isEqualTo(1);
        b.inactiveConnectionOpened();
        c.inactiveConnectionOpened();
        assertThat(m.least()).as("1/2 and 1/2 tie: the first").isEqualTo(1);
        b.setState(RealServerState.DOWN);
        c.setWeight(0);
        assertThat(m.least()).isEqualTo(0);
        a.setEjected(true);
        assertThat(m.least()).as("nothing available").isEqualTo(-1);
        m.close();
        assertThatThrownBy(() -> LoadMirror.create(new RealServer[] {a}, new int[] {70000},
                LoadMirror.Rule.WLC)).hasMessageContaining("weights[0]");
        assertThatThrownBy(() -> LoadMirror.create(new RealServer[] {a}, new int[0],
                LoadMirror.Rule.LC)).hasMessageContaining("weights");
    }
}
