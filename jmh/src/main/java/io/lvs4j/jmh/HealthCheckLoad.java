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
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load measurement, not a JMH benchmark: one health monitor (one event loop) checks N real servers every interval
 * for a while; prints checks per second and the process's CPU time per second. The real servers are N loopback
 * addresses 127.0.x.y on one port, so one local server answers them all.
 *
 * <p>The CPU is measured over a late window: after {@code WARMUP_S} seconds of checking, so the JIT compilers have
 * done their work (measured from the JVM's first seconds, more than half of the samples were C2 compiler threads).
 * Besides the process's total it prints the window's CPU per thread group from {@code /proc/self/task}, so a
 * compiler still at work shows.
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar io.lvs4j.jmh.HealthCheckLoad tcp|http PORT N INTERVAL_MS
 * SECONDS [WARMUP_S]}; see {@code bench/health-checks.sh}.
 */
public final class HealthCheckLoad {

    /** USER_HZ: /proc's clock ticks per second (100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    private HealthCheckLoad() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[3]));
        int seconds = Integer.parseInt(args[4]);
        long warmupMillis = args.length > 5 ? Long.parseLong(args[5]) * 1000 : interval.toMillis() * 3;
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
            Thread.sleep(warmupMillis); // the first checks' spread, then the JIT's work
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<String, Long> threads0 = threadTicks();
            long alloc0 = healthLoopAllocatedBytes();
            long c0 = checks.get();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long c1 = checks.get();
            long cpu1 = os.getProcessCpuTime();
            long t1 = System.nanoTime();
            Map<String, Long> threads1 = threadTicks();
            long alloc1 = healthLoopAllocatedBytes();
            double elapsed = (t1 - t0) / 1e9;
            long down = service.realServers().stream().filter(r -> r.state() != RealServerState.UP).count();
            System.out.printf("%s: %d real servers every %d ms for %.1f s: %.0f checks/s, CPU %.1f%% of one core "
                            + "(%.1f us per check), %d down%n", kind, n, interval.toMillis(), elapsed,
                    (c1 - c0) / elapsed, 100.0 * (cpu1 - cpu0) / (t1 - t0),
                    (cpu1 - cpu0) / 1000.0 / Math.max(1, c1 - c0), down);
            StringBuilder groups = new StringBuilder("  window CPU by thread (% of one core):");
            threads1.forEach((name, ticks) -> {
                long d = ticks - threads0.getOrDefault(name, 0L);
                if (d > 0) {
                    groups.append(String.format(" %s %.1f;", name, 100.0 * d / TICKS_PER_SECOND / elapsed));
                }
            });
            System.out.println(groups);
            System.out.printf("  lvs4j-health thread allocated %.0f bytes per check%n",
                    (alloc1 - alloc0) / (double) Math.max(1, c1 - c0));
        }
    }

    /** Bytes the health event loop's thread has allocated so far (the JVM's per-thread count), or -1. */
    private static long healthLoopAllocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lvs4j-health")) {
                return threads.getThreadAllocatedBytes(t.getId());
            }
        }
        return -1;
    }

    /** User + system ticks of this process's threads from /proc, summed per thread name without its trailing numbers. */
    private static Map<String, Long> threadTicks() throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return ticks;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("[-#0-9]+$", "").trim();
                String[] f = stat.substring(close + 2).split(" ");
                // after the name: state is field 3 of proc(5), utime 14 and stime 15
                long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                ticks.merge(name.isEmpty() ? "?" : name, t, Long::sum);
            }
        }
        return ticks;
    }
}
