package io.lvs4j.jmh;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The time to rebuild a Maglev table or a hash ring after a membership change. */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TableBuildBenchmark extends BaseBenchmark {

    /** {@code mh-4093}, {@code mh-65537} or {@code ring}. */
    @Param({"mh-4093", "mh-65537", "ring"})
    public String table;

    @Param({"100", "1000"})
    public int servers;

    Scheduler scheduler;
    List<RealServer> list;

    @Setup
    public void setUp() {
        SchedulerConfig.Builder config = SchedulerConfig.builder();
        if (table.startsWith("mh-")) {
            config.option("table-size", table.substring(3));
        }
        scheduler = Schedulers.create(table.startsWith("mh") ? "mh" : "ring", config.build());
        list = Servers.create(servers, "equal");
    }

    @Benchmark
    public Scheduler build() {
        scheduler.update(list);
        return scheduler;
    }
}
