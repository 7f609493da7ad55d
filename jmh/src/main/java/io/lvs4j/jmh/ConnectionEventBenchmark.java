package io.lvs4j.jmh;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the connection path pays per connection for the least-connection schedulers' load mirror: one
 * {@code connectionOpened()} and one {@code connectionClosed(true)} on a real server that belongs to
 * {@code schedulers} services scheduled by {@code wlc} (0: no mirror to keep current).
 */
public class ConnectionEventBenchmark extends BaseBenchmark {

    /** One real server among 1000, watched by 0 or more wlc schedulers. */
    @State(Scope.Thread)
    public static class Server {
        @Param({"0", "1"})
        public int schedulers;

        RealServer rs;
        final List<Scheduler> pickers = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp() {
            List<RealServer> list = Servers.create(1000, "equal");
            rs = list.get(500);
            for (int i = 0; i < schedulers; i++) {
                Scheduler s = Schedulers.create("wlc");
                s.update(list);
                pickers.add(s);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pickers.forEach(Scheduler::close);
        }
    }

    @Benchmark
    public int openAndClose(Server s) {
        RealServerEngine.connectionOpened(s.rs);
        RealServerEngine.connectionClosed(s.rs, true);
        return s.rs.overhead();
    }
}
