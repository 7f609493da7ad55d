package io.lvs4j.scheduler.internal;

import static io.lvs4j.scheduler.Fixtures.flow;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.Schedulers;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lc}, {@code wlc}, {@code sed} and {@code nq} against the kernel's scans (net/netfilter/ipvs/ip_vs_lc.c,
 * ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c), written here as a plain loop over the real servers with the kernel's
 * cross-multiplied comparisons: random lists with many ties, weight 0, overloaded, down and ejected servers, and
 * weights of 65534 and 65535, where two load ratios can differ by only 1 / (65534 × 65535).
 */
class KernelScanTest {

    private static final Flow ANY = flow(0x0a000009, 40000);

    /** The kernel's choice over {@code list} with the weights the table was built with. */
    static @Nullable RealServer kernel(String scheduler, List<RealServer> list, int[] weights) {
        if (scheduler.equals("nq")) {
            for (int i = 0; i < list.size(); i++) {
                RealServer d = list.get(i);
                if (d.isAvailable() && weights[i] > 0 && d.activeConnections() == 0) {
                    return d;
                }
            }
        }
        RealServer least = null;
        long loh = 0;
        long lw = 0;
        for (int i = 0; i < list.size(); i++) {
            RealServer d = list.get(i);
            if (!d.isAvailable()) {
                continue;
            }
            if (scheduler.equals("lc")) {
                long doh = d.overhead();
                if (least == null || doh < loh) {
                    least = d;
                    loh = doh;
                }
                continue;
            }
            if (weights[i] <= 0) {
                continue;
            }
            long doh = scheduler.equals("wlc") ? d.overhead() : d.activeConnections() + 1L;
            if (least == null || loh * weights[i] > doh * lw) {
                least = d;
                loh = doh;
                lw = weights[i];
            }
        }
        return least;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lc", "wlc", "sed", "nq"})
    void randomListsPickAsTheKernelScan(String name) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        int[] palette = {0, 1, 2, 3, 5, 100, 65534, 65535};
        for (int round = 0; round < 300; round++) {
            int n = 1 + r.nextInt(40);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = r.nextInt(4) == 0 ? 1 + r.nextInt(65535) : palette[r.nextInt(palette.length)];
            }
            List<RealServer> list = servers(weights);
            for (int i = 0; i < n; i++) {
                RealServer rs = list.get(i);
                connect(rs, r.nextInt(4), r.nextInt(3));
            }
            Scheduler s = Schedulers.create(name);
            s.update(list);
            for (int step = 0; step < 20; step++) {
                RealServer picked = s.pick(ANY);
                assertThat(picked).as("round %d step %d", round, step).isSameAs(kernel(name, list, weights));
                RealServer rs = list.get(r.nextInt(n));
                switch (r.nextInt(6)) {
                    case 0 -> connect(rs, 1, 0);
                    case 1 -> connect(rs, 0, 1);
                    case 2 -> {
                        if (rs.activeConnections() > 0) {
                            RealServerEngine.connectionClosed(rs, true);
                        }
                    }
                    case 3 -> RealServerEngine.setEjected(rs, !rs.isEjected());
                    case 4 -> rs.setState(rs.state() == RealServerState.UP ? RealServerState.DOWN
                            : RealServerState.UP);
                    default -> {
                        if (picked != null) {
                            connect(picked, 1, 0); // what the forwarder does with a pick
                        }
                    }
                }
            }
            s.close();
        }
    }

    @Test
    void ratiosThatDifferByOneOverTheProductOfTheLargestWeightsAreOrdered() {
        // 1/65534 > 1/65535 by 1 / (65534 × 65535): wlc must take the second server.
        List<RealServer> list = servers(65534, 65535);
        connect(list.get(0), 0, 1);
        connect(list.get(1), 0, 1);
        assertPicksAsKernel("wlc", list, 65534, 65535);
        // equal ratios 65535/65535 and 65534/65534 stay with the first in list order
        List<RealServer> equal = servers(65535, 65534);
        connect(equal.get(0), 0, 65535);
        connect(equal.get(1), 0, 65534);
        assertPicksAsKernel("wlc", equal, 65535, 65534);
        assertThat(pick("wlc", equal)).isSameAs(equal.get(0));
        // and one connection more on the first tips it: 65536/65535 > 65534/65534
        connect(equal.get(0), 0, 1);
        assertThat(pick("wlc", equal)).isSameAs(equal.get(1));
        // sed: (0+1)/65535 < (0+1)/65534, and with 2 active on the second (3/65535 > 1/65534)
        List<RealServer> sed = servers(65534, 65535);
        assertThat(pick("sed", sed)).isSameAs(sed.get(1));
        connect(sed.get(1), 2, 0);
        assertThat(pick("sed", sed)).isSameAs(sed.get(0));
    }

    @Test
    void nothingAvailableGivesNone() {
        for (String name : List.of("lc", "wlc", "sed", "nq")) {
            List<RealServer> list = servers(0, 1, 2);
            Scheduler s = Schedulers.create(name);
            s.update(list);
            list.get(1).setState(RealServerState.DOWN);
            RealServerEngine.setDraining(list.get(2), true);
            assertThat(s.pick(ANY)).as(name).isNull();
            s.close();
        }
    }

    private static void assertPicksAsKernel(String name, List<RealServer> list, int... weights) {
        assertThat(pick(name, list)).isSameAs(kernel(name, list, weights));
    }

    private static @Nullable RealServer pick(String name, List<RealServer> list) {
        Scheduler s = Schedulers.create(name);
        s.update(list);
        try {
            return s.pick(ANY);
        } finally {
            s.close();
        }
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
