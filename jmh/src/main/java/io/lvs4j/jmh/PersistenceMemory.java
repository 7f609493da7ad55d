package io.lvs4j.jmh;

import io.lvs4j.api.Flow;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.scheduler.PersistentScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * A measurement, not a JMH benchmark: the heap one persistence template holds. Fills a persistent wlc service's
 * template table (100 real servers, the director's own {@link PersistentScheduler}) with N clients, each from its own
 * address, and compares the live heap after a full collection before and after. Run it with a serial collector and a
 * fixed heap so that {@code System.gc()} is a full, stop-the-world collection.
 *
 * <p>Usage: {@code java -XX:+UseSerialGC -Xms512m -Xmx512m -cp jmh/target/benchmarks.jar io.lvs4j.jmh.PersistenceMemory
 * [N=200000]}; N is capped at 2,000,000. See {@code bench/memory-per-template.sh}.
 */
public final class PersistenceMemory {

    private static final int MAX = 2_000_000;

    private PersistenceMemory() {
    }

    /** Runs the measurement; prints N, the live heap before and after, and the bytes per template. */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        if (n < 1 || n > MAX) {
            throw new IllegalArgumentException("N must be 1.." + MAX + " but was " + n);
        }
        List<RealServer> servers = Servers.create(100, "equal");
        VirtualService service = VirtualService.builder(Protocol.TCP, Servers.VIP).scheduler("wlc").persistent()
                .realServers(servers).build();
        PersistentScheduler scheduler = PersistentScheduler.wrap(Schedulers.create("wlc"), service);
        scheduler.update(servers);
        long before = liveHeap();
        for (int i = 0; i < n; i++) {
            Flow f = Flow.tcp(new InetSocketAddress(Servers.address(0x0b000000 + i), 40000), Servers.VIP);
            if (scheduler.pick(f) == null) {
                throw new IllegalStateException("no real server for client " + i);
            }
        }
        long after = liveHeap();
        long templates = scheduler.templateCount();
        if (templates != n) {
            throw new IllegalStateException("expected " + n + " templates, the table holds " + templates);
        }
        System.out.printf(Locale.ROOT, "templates: %d; live heap after full GC: before %d KiB, after %d KiB; "
                + "%.0f bytes per template%n", templates, before / 1024, after / 1024, (after - before) / (double) n);
        // keeps the table reachable until after the measurement
        if (scheduler.templateCount() != templates) {
            throw new IllegalStateException("templates expired during the measurement");
        }
    }

    /** Heap in use after collecting until it stops shrinking (at most 10 collections). */
    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= last) {
                return used;
            }
            last = used;
        }
        return last;
    }
}
