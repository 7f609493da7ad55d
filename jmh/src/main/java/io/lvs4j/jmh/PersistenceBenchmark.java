package io.lvs4j.jmh;

import io.lvs4j.api.Flow;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.scheduler.PersistentScheduler;
import java.net.InetSocketAddress;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A persistent pick that finds its template (hit), and one from a client never seen (miss: a wlc pick plus an
 * insert into a cache bounded at 1,000,000 templates).
 */
@State(Scope.Benchmark)
public class PersistenceBenchmark extends BaseBenchmark {

    PersistentScheduler scheduler;
    Flow[] known;
    int next;
    int unknownClient = 0x0b000000;

    @Setup
    public void setUp() {
        List<RealServer> servers = Servers.create(100, "skewed");
        VirtualService service = VirtualService.builder(Protocol.TCP, Servers.VIP).scheduler("wlc").persistent()
                .realServers(servers).build();
        scheduler = PersistentScheduler.wrap(Schedulers.create("wlc"), service);
        scheduler.update(servers);
        known = Servers.flows(1);
        for (Flow f : known) {
            scheduler.pick(f);
        }
    }

    @Benchmark
    public RealServer hit() {
        return scheduler.pick(known[next++ & 4095]);
    }

    @Benchmark
    public RealServer miss() {
        Flow f = Flow.tcp(new InetSocketAddress(Servers.address(unknownClient++), 40000), Servers.VIP);
        return scheduler.pick(f);
    }
}
