package io.lvs4j.scheduler;

import static io.lvs4j.scheduler.Fixtures.create;
import static io.lvs4j.scheduler.Fixtures.randomFlows;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** One behaviour over every scheduler. */
class AllSchedulersTest {

    @Test
    void everySchedulerIsRegisteredUnderItsIpvsName() {
        assertThat(Schedulers.names()).containsAll(Fixtures.ALL);
        for (String name : Fixtures.ALL) {
            assertThat(Schedulers.create(name).name()).isEqualTo(name);
        }
    }

    @ParameterizedTest
    @MethodSource("io.lvs4j.scheduler.Fixtures#names")
    void pickWithNoServersReturnsNone(String name) {
        Scheduler s = create(name);
        assertThat(s.pick(Fixtures.flow(1, 2))).isNull();
        s.update(List.of());
        assertThat(s.pick(Fixtures.flow(1, 2))).isNull();
    }

    @ParameterizedTest
    @MethodSource("io.lvs4j.scheduler.Fixtures#names")
    void neverPicksQuiescentDownOrOverloadedServers(String name) {
        List<RealServer> list = servers(1, 2, 3, 1, 2);
        RealServer quiescent = list.get(0);
        RealServer down = list.get(1);
        RealServer overloaded = list.get(2);
        Scheduler s = create(name);
        s.update(list);
        quiescent.setWeight(0);
        down.setState(RealServerState.DOWN);
        RealServer o = RealServer.builder(overloaded.address()).weight(3).upperThreshold(1).build();
        List<RealServer> withOverloaded = List.of(quiescent, down, o, list.get(3), list.get(4));
        RealServerEngine.connectionOpened(o); // reaches the upper threshold
        assertThat(o.isOverloaded()).isTrue();
        for (int pass = 0; pass < 2; pass++) {
            s.update(withOverloaded);
            Set<RealServer> seen = new HashSet<>();
            for (Flow f : Fixtures.randomFlowsAnywhere(2000, 9 + pass)) {
                RealServer rs = s.pick(f);
                if (rs != null) {
                    assertThat(rs).isNotSameAs(quiescent).isNotSameAs(down).isNotSameAs(o);
                    assertThat(rs.isAvailable()).isTrue();
                    seen.add(rs);
                }
            }
            assertThat(seen).as("%s serves somebody", name).isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("io.lvs4j.scheduler.Fixtures#names")
    void noneWhenEveryServerIsIneligible(String name) {
        List<RealServer> list = servers(1, 1, 1);
        Scheduler s = create(name);
        s.update(list);
        list.get(0).setWeight(0);
        list.get(1).setState(RealServerState.DOWN);
        list.get(2).setWeight(0);
        for (Flow f : randomFlows(200, 12)) {
            assertThat(s.pick(f)).isNull();
        }
        s.update(list);
        for (Flow f : randomFlows(200, 13)) {
            assertThat(s.pick(f)).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("io.lvs4j.scheduler.Fixtures#names")
    void unknownFlagIsRejectedNamingIt(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Schedulers.create(name, SchedulerConfig.builder().flag("no-such-flag").build()))
                .withMessageStartingWith("scheduler " + name + " has no flag 'no-such-flag'");
    }

    @Test
    void slowStartIsRejectedWhereItHasNoMeaning() {
        for (String name : List.of("rr", "lc", "dh", "sh", "mh", "fo", "ovf", "ring")) {
            assertThatIllegalArgumentException().isThrownBy(() -> Schedulers.create(name,
                            SchedulerConfig.builder().slowStart(Duration.ofSeconds(10)).build()))
                    .withMessageStartingWith("scheduler " + name + " does not support slow start");
        }
    }
}
