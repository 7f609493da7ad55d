package io.lvs4j.scheduler.internal;

import static io.lvs4j.scheduler.Fixtures.create;
import static io.lvs4j.scheduler.Fixtures.flow;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequences and choices worked out by hand from the kernel's code (net/netfilter/ipvs/ip_vs_*.c). */
class ExactSequenceTest {

    private static final Flow ANY = flow(0x0a000009, 40000);

    private static String sequence(Scheduler s, List<RealServer> list, int picks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            RealServer rs = s.pick(ANY);
            sb.append(rs == null ? '-' : (char) ('A' + list.indexOf(rs)));
        }
        return sb.toString();
    }

    @Test
    void rrCyclesInListOrderAndSkipsQuiescentAndDown() {
        List<RealServer> list = servers(1, 5, 1, 1);
        Scheduler rr = create("rr");
        rr.update(list);
        assertThat(sequence(rr, list, 8)).isEqualTo("ABCDABCD");
        list.get(1).setWeight(0);
        list.get(3).setState(RealServerState.DOWN);
        rr.update(list);
        assertThat(sequence(rr, list, 4)).isEqualTo("ACAC");
    }

    @Test
    void rrContinuesAfterTheRemovedServer() {
        List<RealServer> list = servers(1, 1, 1, 1);
        Scheduler rr = create("rr");
        rr.update(list);
        assertThat(sequence(rr, list, 2)).isEqualTo("AB");
        List<RealServer> without = new ArrayList<>(list);
        without.remove(1); // B was picked last; the next is C
        rr.update(without);
        assertThat(sequence(rr, list, 3)).isEqualTo("CDA");
    }

    @Test
    void wrrWeights432GiveTheKernelsInterleaving() {
        List<RealServer> list = servers(4, 3, 2);
        Scheduler wrr = create("wrr");
        wrr.update(list);
        assertThat(sequence(wrr, list, 18)).isEqualTo("AABABCABC" + "AABABCABC");
    }

    @Test
    void wrrStepsByTheGcd() {
        // di = 2, mw = 4 - (2 - 1) = 3: pass cw=3 picks A, pass cw=1 picks A and B.
        List<RealServer> list = servers(4, 2);
        Scheduler wrr = create("wrr");
        wrr.update(list);
        assertThat(sequence(wrr, list, 9)).isEqualTo("AABAABAAB");
    }

    @Test
    void wrrSkipsOverloadedAndReturnsNoneWhenAllAreOut() {
        List<RealServer> list = servers(3, 1);
        Scheduler wrr = create("wrr");
        wrr.update(list);
        list.get(0).setWeight(0); // quiescent without an update: the live check skips it
        assertThat(sequence(wrr, list, 3)).isEqualTo("BBB");
        list.get(1).setWeight(0);
        assertThat(sequence(wrr, list, 2)).isEqualTo("--");
    }

    @Test
    void lcPicksLeastOverheadFirstInListOnTies() {
        List<RealServer> list = servers(1, 1, 1);
        Scheduler lc = create("lc");
        lc.update(list);
        connect(list.get(0), 1, 0); // 256
        connect(list.get(1), 0, 300); // 300
        connect(list.get(2), 1, 0); // 256
        assertThat(lc.pick(ANY)).isSameAs(list.get(0));
        list.get(0).setWeight(0);
        assertThat(lc.pick(ANY)).isSameAs(list.get(2));
    }

    @Test
    void wlcComparesOverheadOverWeightWithoutDivision() {
        List<RealServer> list = servers(1, 3, 2);
        Scheduler wlc = create("wlc");
        wlc.update(list);
        connect(list.get(0), 1, 0); // 256/1 = 256
        connect(list.get(1), 3, 0); // 768/3 = 256: tie, A stays
        connect(list.get(2), 2, 10); // 522/2 = 261
        assertThat(wlc.pick(ANY)).isSameAs(list.get(0));
        connect(list.get(0), 0, 1); // A 257
        assertThat(wlc.pick(ANY)).isSameAs(list.get(1));
    }

    @Test
    void sedCountsActivePlusOneAndIgnoresInactive() {
        List<RealServer> list = servers(1, 2);
        Scheduler sed = create("sed");
        sed.update(list);
        // A: (0+1)/1 = 1; B: (1+1)/2 = 1 -> tie to A; inactive connections do not matter
        connect(list.get(1), 1, 50);
        assertThat(sed.pick(ANY)).isSameAs(list.get(0));
        connect(list.get(0), 1, 0); // A: 2/1 > B: 1
        assertThat(sed.pick(ANY)).isSameAs(list.get(1));
    }

    @Test
    void nqTakesTheFirstIdleServerElseSed() {
        List<RealServer> list = servers(5, 1, 1);
        Scheduler nq = create("nq");
        nq.update(list);
        connect(list.get(0), 1, 0);
        assertThat(nq.pick(ANY)).isSameAs(list.get(1)); // idle beats A's better ratio
        connect(list.get(1), 1, 0);
        connect(list.get(2), 1, 0);
        // all busy: sed: A 2/5, B 2/1, C 2/1
        assertThat(nq.pick(ANY)).isSameAs(list.get(0));
    }

    @Test
    void foPicksHighestWeightAndFailsOverInWeightOrder() {
        List<RealServer> list = servers(2, 5, 5, 3);
        Scheduler fo = create("fo");
        fo.update(list);
        assertThat(fo.pick(ANY)).isSameAs(list.get(1));
        list.get(1).setState(RealServerState.DOWN);
        assertThat(fo.pick(ANY)).isSameAs(list.get(2));
        list.get(2).setWeight(0);
        assertThat(fo.pick(ANY)).isSameAs(list.get(3));
    }

    @Test
    void ovfOverflowsWhenActiveExceedsWeight() {
        List<RealServer> list = servers(2, 1);
        Scheduler ovf = create("ovf");
        ovf.update(list);
        connect(list.get(0), 2, 0); // active 2 <= weight 2: still chosen
        assertThat(ovf.pick(ANY)).isSameAs(list.get(0));
        connect(list.get(0), 1, 0); // 3 > 2
        assertThat(ovf.pick(ANY)).isSameAs(list.get(1));
        connect(list.get(1), 2, 0); // 2 > 1: nobody
        assertThat(ovf.pick(ANY)).isNull();
    }

    @Test
    void twosKeepsTheLowerOverheadPerWeightOfTwoDraws() {
        List<RealServer> list = servers(1, 1);
        // draws land on A then B: total weight 2, bound 3; r1 = 0 -> A, r2 = 2 -> B
        int[] draws = {0, 2};
        int[] at = {0};
        Scheduler twos = Schedulers.create("twos",
                SchedulerConfig.builder()
                        .random(() -> (int) (((long) draws[at[0]++ % 2] << 32) / 3 + 1)).build());
        twos.update(list);
        connect(list.get(0), 1, 0);
        assertThat(twos.pick(ANY)).isSameAs(list.get(1));
        connect(list.get(1), 2, 0);
        assertThat(twos.pick(ANY)).isSameAs(list.get(0));
    }

    @Test
    void lblcStaysOnItsServerUntilOverloadedWhileAnotherIsHalfIdle() {
        List<RealServer> list = servers(2, 4);
        Scheduler lblc = create("lblc");
        lblc.update(list);
        RealServer first = lblc.pick(ANY); // wlc: A (0/2) ties B (0/4): A
        assertThat(first).isSameAs(list.get(0));
        connect(list.get(0), 2, 0); // active 2 = weight: not overloaded
        connect(list.get(1), 3, 0); // B 768/4 = 192 < A 512/2, but the mapping holds
        assertThat(lblc.pick(ANY)).isSameAs(list.get(0));
        connect(list.get(0), 1, 0); // A active 3 > 2, but B: 3*2 < 4? no -> still not overloaded
        assertThat(lblc.pick(ANY)).isSameAs(list.get(0));
        RealServerEngine.connectionClosed(list.get(1), true);
        RealServerEngine.connectionClosed(list.get(1), true); // B active 1: 2 < 4 -> A is overloaded, reschedule by wlc
        assertThat(lblc.pick(ANY)).isSameAs(list.get(1));
        assertThat(lblc.pick(ANY)).isSameAs(list.get(1)); // and the new mapping holds
    }

    @Test
    void lblcReschedulesWhenItsServerGoesDown() {
        List<RealServer> list = servers(1, 1);
        Scheduler lblc = create("lblc");
        lblc.update(list);
        assertThat(lblc.pick(ANY)).isSameAs(list.get(0));
        list.get(0).setState(RealServerState.DOWN);
        assertThat(lblc.pick(ANY)).isSameAs(list.get(1));
    }

    @Test
    void lblcrGrowsTheSetOnOverloadAndPicksTheLeastLoadedMember() {
        List<RealServer> list = servers(2, 4, 4);
        Scheduler lblcr = create("lblcr");
        lblcr.update(list);
        assertThat(lblcr.pick(ANY)).isSameAs(list.get(0));
        connect(list.get(0), 3, 0); // A overloaded (3 > 2) while B, C are idle
        RealServer second = lblcr.pick(ANY); // wlc over all: B (0) joins the set
        assertThat(second).isSameAs(list.get(1));
        connect(list.get(1), 1, 0);
        // set {B, A}: min is B (256/4) < A (768/2); C is idle but not a member
        assertThat(lblcr.pick(ANY)).isSameAs(list.get(1));
    }

    private static void connect(RealServer rs, int active, int inactive) {
        for (int i = 0; i < active; i++) {
            RealServerEngine.connectionOpened(rs);
        }
        for (int i = 0; i < inactive; i++) {
            RealServerEngine.inactiveConnectionOpened(rs);
        }
    }
}
