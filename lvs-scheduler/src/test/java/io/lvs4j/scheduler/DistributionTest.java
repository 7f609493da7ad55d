package io.lvs4j.scheduler;

import static io.lvs4j.scheduler.Fixtures.randomFlows;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Envoy-style property tests: the relative deviation of each server's share of picks from its weight share, and the
 * share of flows that move when one server of N leaves or joins, against the optimum 1/N.
 */
class DistributionTest {

    private static final int FLOWS = 1_000_000;

    /** The largest relative deviation |picks/expected − 1| over all servers. */
    static double maxRelativeDeviation(Scheduler s, List<RealServer> list, Flow[] flows) {
        Map<RealServer, Integer> counts = new IdentityHashMap<>();
        for (Flow f : flows) {
            counts.merge(s.pick(f), 1, Integer::sum);
        }
        long total = list.stream().mapToLong(RealServer::weight).sum();
        double worst = 0;
        for (RealServer rs : list) {
            double expected = (double) flows.length * rs.weight() / total;
            worst = Math.max(worst, Math.abs(counts.getOrDefault(rs, 0) / expected - 1));
        }
        return worst;
    }

    @ParameterizedTest(name = "{0} over 10 skewed servers deviates at most {1}")
    @CsvSource({"wrr, 0.0001", "random, 0.05", "p2c, 0.10", "mh, 0.05", "ring, 0.10", "sh, 0.15"})
    void picksFollowWeights(String name, double bound) {
        List<RealServer> list = servers(1, 2, 3, 4, 5, 1, 2, 3, 4, 5);
        SplittableRandom r = new SplittableRandom(21);
        Scheduler s = Schedulers.create(name, SchedulerConfig.builder().random(r::nextInt).build());
        s.update(list);
        Flow[] flows = randomFlows(name.equals("wrr") ? 30 * 1000 : 300_000, 22);
        // p2c compares active connections; with none open it keeps the first draw: a weighted random pick
        assertThat(maxRelativeDeviation(s, list, flows)).as(name).isLessThanOrEqualTo(bound);
    }

    /** Percentage of flows whose server changes when the last of {@code n} servers leaves. */
    static double disruptionOnLeave(String name, int n, Flow[] flows) {
        return disruptionOnLeave(name, SchedulerConfig.ofDefaults(), n, flows);
    }

    static double disruptionOnLeave(String name, SchedulerConfig config, int n, Flow[] flows) {
        List<RealServer> list = Fixtures.equalServers(n);
        Scheduler s = Schedulers.create(name, config);
        s.update(list);
        RealServer[] before = new RealServer[flows.length];
        for (int i = 0; i < flows.length; i++) {
            before[i] = s.pick(flows[i]);
        }
        List<RealServer> fewer = new ArrayList<>(list.subList(0, n - 1));
        s.update(fewer);
        int moved = 0;
        for (int i = 0; i < flows.length; i++) {
            if (s.pick(flows[i]) != before[i]) {
                moved++;
            }
        }
        return 100.0 * moved / flows.length;
    }

    /**
     * Maglev's table must be much larger than the server count (the paper: M &gt; 100 N) for its disruption to
     * approach the optimum: with M = 4093 and N = 100 it moves about 3.9x the optimum, so N = 100 uses M = 65537,
     * where the kernel's population order moves 1.55x (1.36x at M = 131071); see docs/benchmarks.md.
     */
    @ParameterizedTest(name = "{0} (size {3}): one of {1} leaving moves at most {2}x the optimum")
    @CsvSource({"mh, 100, 1.6, 65537", "mh, 10, 1.2, 4093", "ring, 100, 1.2, 0", "ring, 10, 1.2, 0"})
    void consistentHashesMoveLittleMoreThanTheOptimum(String name, int n, double factor, String size) {
        Flow[] flows = randomFlows(FLOWS, 31);
        SchedulerConfig config = SchedulerConfig.builder()
                .option(name.equals("mh") ? "table-size" : "ring-points", size).build();
        double moved = disruptionOnLeave(name, config, n, flows);
        double optimum = 100.0 / n;
        assertThat(moved).as("%s moved %.3f%% against the optimum %.3f%%", name, moved, optimum)
                .isLessThanOrEqualTo(optimum * factor)
                .isGreaterThanOrEqualTo(optimum * 0.8);
    }

    @ParameterizedTest(name = "ring: only the leaving server''s flows move ({0} servers)")
    @CsvSource({"10", "100"})
    void ringMovesOnlyTheLeavingServersFlows(int n) {
        List<RealServer> list = Fixtures.equalServers(n);
        Scheduler s = Schedulers.create("ring");
        s.update(list);
        Flow[] flows = randomFlows(200_000, 32);
        Map<Flow, RealServer> before = new HashMap<>();
        for (Flow f : flows) {
            before.put(f, s.pick(f));
        }
        s.update(list.subList(0, n - 1));
        for (Flow f : flows) {
            if (before.get(f) != list.get(n - 1)) {
                assertThat(s.pick(f)).isSameAs(before.get(f));
            }
        }
    }

    @ParameterizedTest(name = "sh is not consistent: one of {0} leaving moves most flows")
    @CsvSource({"10"})
    void sourceHashingRehashesOnMembershipChange(int n) {
        // IPVS sh refills its 256 buckets round-robin: a leave shifts every later bucket. Documented, not a bug.
        double moved = disruptionOnLeave("sh", n, randomFlows(200_000, 33));
        assertThat(moved).isGreaterThan(50.0);
    }
}
