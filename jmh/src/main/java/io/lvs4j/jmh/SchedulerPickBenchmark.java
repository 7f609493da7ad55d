package io.lvs4j.jmh;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.Schedulers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The time of one pick per scheduler, N real servers, equal or skewed weights. Run with {@code -t 4} for contention
 * and {@code -prof gc} for allocation per pick.
 */
public class SchedulerPickBenchmark extends BaseBenchmark {

    /** One scheduler shared by all benchmark threads, as one virtual service's scheduler is. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh", "fo", "ovf", "twos",
                "random", "p2c", "ring"})
        public String scheduler;

        @Param({"10", "100", "1000"})
        public int servers;

        @Param({"equal", "skewed"})
        public String weights;

        Scheduler picker;

        @Setup(Level.Trial)
        public void setUp() {
            picker = Schedulers.create(scheduler);
            picker.update(Servers.create(servers, weights));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            picker.close();
        }
    }

    /** Each thread walks its own ring of client flows. */
    @State(Scope.Thread)
    public static class Clients {
        Flow[] flows;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            flows = Servers.flows(Thread.currentThread().getId());
        }
    }

    @Benchmark
    public RealServer pick(Shared shared, Clients clients) {
        Flow f = clients.flows[clients.next++ & 4095];
        return shared.picker.pick(f);
    }
}
