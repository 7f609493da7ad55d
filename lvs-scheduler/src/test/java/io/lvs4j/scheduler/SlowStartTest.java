package io.lvs4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private final Fixtures.FakeTicker ticker = new Fixtures.FakeTicker();

    private Scheduler wrr(double aggression) {
        return Schedulers.create("wrr", SchedulerConfig.builder().ticker(ticker)
                .slowStart(Duration.ofSeconds(100), aggression, 10).build());
    }

    /** Picks of server {@code target} out of one full wrr cycle of {@code cycle} picks. */
    private static int share(Scheduler s, RealServer target, int cycle) {
        int n = 0;
        Flow f = Fixtures.flow(1, 1);
        for (int i = 0; i < cycle; i++) {
            if (s.pick(f) == target) {
                n++;
            }
        }
        return n;
    }

    @Test
    void initialServersStartAtFullWeight() {
        List<RealServer> list = Fixtures.servers(10, 10);
        Scheduler s = wrr(1.0);
        s.update(list);
        assertThat(share(s, list.get(1), 20)).isEqualTo(10);
    }

    @Test
    void aJoiningServerRampsLinearlyOverTheWindow() {
        List<RealServer> list = new ArrayList<>(Fixtures.servers(10, 10));
        RealServer joining = list.remove(1);
        Scheduler s = wrr(1.0);
        s.update(list);
        list.add(joining);
        s.update(list); // effective weight max(10% floor, 0%) = 1
        assertThat(share(s, joining, 11)).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(50)); // half way: 5
        s.pick(Fixtures.flow(1, 1)); // a pick past the refresh step rebuilds the table
        assertThat(share(s, joining, 300)).isBetween(95, 105); // 5 of every 15
        ticker.advance(Duration.ofSeconds(51)); // window over: full weight
        s.pick(Fixtures.flow(1, 1));
        assertThat(share(s, joining, 200)).isEqualTo(100);
    }

    @Test
    void higherAggressionRampsFasterAtFirst() {
        List<RealServer> list = new ArrayList<>(Fixtures.servers(100, 100));
        RealServer joining = list.remove(1);
        Scheduler s = wrr(2.0);
        s.update(list);
        list.add(joining);
        s.update(list);
        ticker.advance(Duration.ofSeconds(25)); // (0.25)^(1/2) = 0.5 -> weight 50
        s.pick(Fixtures.flow(1, 1));
        assertThat(share(s, joining, 1500)).isBetween(480, 520); // 50 of every 150
    }

    @Test
    void aRecoveringServerRampsAgain() {
        List<RealServer> list = Fixtures.servers(10, 10);
        Scheduler s = wrr(1.0);
        s.update(list);
        list.get(1).setState(RealServerState.DOWN);
        s.update(list);
        ticker.advance(Duration.ofSeconds(5));
        list.get(1).setState(RealServerState.UP);
        s.update(list);
        assertThat(share(s, list.get(1), 11)).isEqualTo(1);
    }
}
