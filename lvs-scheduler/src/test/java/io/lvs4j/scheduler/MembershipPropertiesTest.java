package io.lvs4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of membership, weight, state and load changes interleaved with picks, over every scheduler. The
 * oracle: nothing throws, a pick is either none or a member that is available at that moment, and when no member is
 * available the pick is none.
 */
class MembershipPropertiesTest {

    /** One step: 0 add, 1 remove, 2 reweight, 3 toggle state, 4 open connections, 5 close one, 6 pick. */
    record Step(int kind, int server, int value) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 11),
                        Arbitraries.integers().between(0, 9))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(80);
    }

    @Provide
    Arbitrary<String> schedulers() {
        return Arbitraries.of(Fixtures.ALL);
    }

    @Property(tries = 300)
    void picksAreAlwaysAvailableMembers(@ForAll("schedulers") String name, @ForAll("steps") List<Step> steps) {
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
                case 4 -> target.connectionOpened();
                case 5 -> {
                    if (target.activeConnections() > 0) {
                        target.connectionClosed(true);
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
