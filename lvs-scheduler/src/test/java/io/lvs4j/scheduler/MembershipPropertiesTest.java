package io.lvs4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of membership, weight, state and load changes interleaved with picks, over every scheduler. The
 * oracle: nothing throws, a pick is either none or a member that is available at that moment, and when no member is
 * available the pick is none. 300 tries, each from its own fixed seed, so a failure names the seed that repeats it.
 */
class MembershipPropertiesTest {

    /** One step: 0 add, 1 remove, 2 reweight, 3 toggle state, 4 open connections, 5 close one, 6 pick. */
    record Step(int kind, int server, int value) {
    }

    private static final int TRIES = 300;
    private static final long SEED = 0x5eed_15L;

    /** Try {@code i}: a scheduler (each in turn) and its own seed for the steps. */
    static Stream<Arguments> tries() {
        Random seeds = new Random(SEED);
        return IntStream.range(0, TRIES)
                .mapToObj(i -> Arguments.of(i, Fixtures.ALL.get(i % Fixtures.ALL.size()), seeds.nextLong()));
    }

    /** 1 to 80 steps: kind 0..6, server 0..11, value 0..9. */
    static List<Step> steps(long seed) {
        Random r = new Random(seed);
        List<Step> steps = new ArrayList<>();
        int n = 1 + r.nextInt(80);
        for (int i = 0; i < n; i++) {
            steps.add(new Step(r.nextInt(7), r.nextInt(12), r.nextInt(10)));
        }
        return steps;
    }

    @ParameterizedTest(name = "try {0}: {1}, seed {2}")
    @MethodSource("tries")
    void picksAreAlwaysAvailableMembers(int attempt, String name, long seed) {
        List<Step> steps = steps(seed);
        List<RealServer> universe = Fixtures.servers(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        List<RealServer> members = new ArrayList<>(universe.subList(0, 3));
        Scheduler s = Fixtures.seeded(name, 42);
        s.update(members);
        Flow[] flows = Fixtures.randomFlowsAnywhere(16, 7);
        int pickNo = 0;
        for (Step step : steps) {
            RealServer target = universe.get(step.server());
            switch (step.kind()) {
                case 0 -> {
                    if (!members.contains(target)) {
                        members.add(target);
                    }
                }
                case 1 -> members.remove(target);
                case 2 -> target.setWeight(step.value());
                case 3 -> target.setState(target.state() == RealServerState.UP ? RealServerState.DOWN
                        : RealServerState.UP);
                case 4 -> RealServerEngine.connectionOpened(target);
                case 5 -> {
                    if (target.activeConnections() > 0) {
                        RealServerEngine.connectionClosed(target, true);
                    }
                }
                default -> {
                }
            }
            if (step.kind() != 6) {
                s.update(members);
                continue;
            }
            Flow f = flows[pickNo++ % flows.length];
            RealServer rs = s.pick(f);
            Set<RealServer> available = new HashSet<>();
            for (RealServer m : members) {
                if (m.isAvailable()) {
                    available.add(m);
                }
            }
            if (rs != null) {
                assertThat(members).as("%s picked a non-member", name).contains(rs);
                assertThat(rs.isAvailable()).as("%s picked an unavailable server", name).isTrue();
            }
            if (available.isEmpty()) {
                assertThat(rs).isNull();
            }
        }
        s.close();
    }
}
