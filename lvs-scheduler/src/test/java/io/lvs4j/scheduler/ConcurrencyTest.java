package io.lvs4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Four threads pick while another keeps changing membership and weights. Servers that are always quiescent must
 * never be picked, every pick is a server of the universe, and nothing throws. Bounded in picks and time.
 */
class ConcurrencyTest {

    private static final int PICKS_PER_THREAD = 50_000;

    @ParameterizedTest
    @MethodSource("io.lvs4j.scheduler.Fixtures#names")
    void picksStayValidWhileMembershipChanges(String name) throws Exception {
        List<RealServer> universe = Fixtures.servers(1, 2, 3, 4, 5, 6, 0, 0);
        Set<RealServer> neverEligible = Set.of(universe.get(6), universe.get(7));
        Scheduler s = Fixtures.create(name);
        s.update(universe);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong picked = new AtomicLong();
        Set<RealServer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?> changer = pool.submit(() -> {
                start.await();
                int i = 0;
                while (!stop.get() && i < 100_000) {
                    List<RealServer> members = new ArrayList<>(universe);
                    members.remove(i % 6);
                    universe.get((i + 3) % 6).setWeight(1 + i % 7);
                    s.update(members);
                    i++;
                }
                return null;
            });
            List<Future<?>> pickers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Flow[] flows = Fixtures.randomFlowsAnywhere(1024, t);
                pickers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PICKS_PER_THREAD; i++) {
                        RealServer rs = s.pick(flows[i & 1023]);
                        if (rs != null) {
                            assertThat(universe).contains(rs);
                            assertThat(neverEligible).doesNotContain(rs);
                            seen.add(rs);
                            picked.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : pickers) {
                f.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            changer.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(picked.get()).as("%s picked at all", name).isGreaterThan(0);
        assertThat(seen.size()).as("%s spread picks", name).isGreaterThanOrEqualTo(1);
    }
}
