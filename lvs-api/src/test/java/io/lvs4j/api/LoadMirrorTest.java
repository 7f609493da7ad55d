package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadMirrorTest {

    private static void assertMirrors(LoadMirror m, int i, RealServer rs) {
        long word = m.word(i);
        assertThat(word < 0).as("unavailable bit of %s", rs).isEqualTo(!rs.isAvailable());
        assertThat(LoadMirror.active(word)).as("active of %s", rs).isEqualTo(rs.activeConnections());
        assertThat(LoadMirror.overhead(word)).as("overhead of %s", rs).isEqualTo(rs.overhead());
    }

    @Test
    void everyCounterAndAvailabilityChangeReachesTheMirror() {
        RealServer a = RealServer.builder("10.0.0.1", 80).upperThreshold(3).build();
        RealServer b = RealServer.of("10.0.0.2", 80);
        a.connectionOpened(); // counted before the mirror exists
        LoadMirror m = new LoadMirror(new RealServer[] {a, b});
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
        assertThat(m.word(0)).isNegative();
        a.connectionClosed(true);
        a.connectionClosed(true); // 1 * 4 < 3 * 3: cleared
        assertThat(a.isOverloaded()).isFalse();
        assertMirrors(m, 0, a);
        b.setWeight(0);
        assertThat(m.word(1)).isNegative();
        b.setWeight(2);
        b.setState(RealServerState.DOWN);
        assertThat(m.word(1)).isNegative();
        b.setState(RealServerState.UP);
        b.setEjected(true);
        assertThat(m.word(1)).isNegative();
        b.setEjected(false);
        b.setDraining(true);
        assertThat(m.word(1)).isNegative();
        b.setDraining(false);
        assertMirrors(m, 1, b);
        assertThat(m.word(1)).isZero();
    }

    @Test
    void aClosedMirrorKeepsItsLastWordsAndOthersStayCurrent() {
        RealServer rs = RealServer.of("10.0.0.1", 80);
        LoadMirror first = new LoadMirror(new RealServer[] {rs});
        LoadMirror second = new LoadMirror(new RealServer[] {RealServer.of("10.0.0.9", 80), rs});
        rs.connectionOpened();
        first.close();
        first.close(); // idempotent
        rs.connectionOpened();
        assertThat(LoadMirror.active(first.word(0))).isEqualTo(1);
        assertThat(LoadMirror.active(second.word(1))).isEqualTo(2);
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
                LoadMirror m = new LoadMirror(new RealServer[] {rs});
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
}
