package io.lvs4j.jmh;

import com.sun.management.OperatingSystemMXBean;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import io.lvs4j.health.HttpGet;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load measurement, not a JMH benchmark: one health monitor (one event loop) checks N real servers every interval
 * for a while; prints checks per second and the process's CPU time per second. The real servers are N loopback
 * addresses 127.0.x.y on one port, so one local server answers them all.
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar io.lvs4j.jmh.HealthCheckLoad tcp|http PORT N INTERVAL_MS
 * SECONDS}; see {@code bench/health-checks.sh}.
 */
public final class HealthCheckLoad {

    private HealthCheckLoad() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[3]));
        int seconds = Integer.parseInt(args[4]);
        VirtualService.Builder vs = VirtualService.tcp("127.0.0.1", 1).quorum(0);
        for (int i = 0; i < n; i++) {
            int host = i + 2;
            vs.realServer(RealServer.builder(new InetSocketAddress(Servers.address(0x7f000000 | host), port))
                    .build());
        }
        VirtualService service = vs.build();
        AtomicLong checks = new AtomicLong();
        HealthMonitorConfig config = HealthMonitorConfig.builder().delayLoop(interval).retry(0).warmup(interval)
                .build();
        CheckFactory inner = kind.equals("http")
                ? CheckFactory.http(HttpGet.builder("/").connectTimeout(Duration.ofSeconds(2)).build())
                : CheckFactory.tcp(Duration.ofSeconds(2));
        CheckFactory counted = (svc, rs) -> {
            HealthCheck check = inner.checkFor(svc, rs);
            return target -> check.check(target).whenComplete((r, e) -> checks.incrementAndGet());
        };
        try (HealthMonitor monitor = HealthMonitors.create(config, counted)) {
            monitor.watch(service);
            Thread.sleep(interval.toMillis() * 3); // warm-up spread and JIT
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long c0 = checks.get();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long c1 = checks.get();
            long cpu1 = os.getProcessCpuTime();
            long t1 = System.nanoTime();
            double elapsed = (t1 - t0) / 1e9;
            long down = service.realServers().stream().filter(r -> r.state() != RealServerState.UP).count();
            System.out.printf("%s: %d real servers every %d ms for %.1f s: %.0f checks/s, CPU %.1f%% of one core "
                            + "(%.1f us per check), %d down%n", kind, n, interval.toMillis(), elapsed,
                    (c1 - c0) / elapsed, 100.0 * (cpu1 - cpu0) / (t1 - t0),
                    (cpu1 - cpu0) / 1000.0 / Math.max(1, c1 - c0), down);
        }
    }
}
