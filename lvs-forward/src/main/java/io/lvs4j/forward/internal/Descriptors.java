package io.lvs4j.forward.internal;

import io.lvs4j.forward.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's file-descriptor limit and the director's default limits derived from it. A UDP flow holds one
 * descriptor and a proxied TCP connection two; the defaults leave a reserve for everything else the process opens (the
 * JVM's own files, listeners, health checks, the admin endpoint) and give UDP flows and TCP connections half of the
 * rest each, so that both at their default limits together stay under the process's limit.
 */
public final class Descriptors {

    /** The limit assumed where the JVM cannot tell it (not a Unix JVM): Linux's usual soft limit. */
    public static final long FALLBACK_LIMIT = 1024;
    /** The highest default of either limit, whatever the descriptor limit: a bound on memory as well. */
    public static final int MAX_DEFAULT = 65_536;
    /** The fewest descriptors kept for the rest of the process. */
    static final long MIN_RESERVE = 128;

    private Descriptors() {
    }

    /** The process's descriptor limit (RLIMIT_NOFILE as the JVM set it), or {@value #FALLBACK_LIMIT} if unknown. */
    public static long limit() {
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                long max = unix.getMaxFileDescriptorCount();
                if (max > 0) {
                    return max;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // no jdk.management module, or a security manager: use the fallback
        }
        return FALLBACK_LIMIT;
    }

    /** Descriptors left for flows and connections: the limit less an eighth of it, and at least 128, kept back. */
    static long usable(long limit) {
        return Math.max(0, limit - Math.max(MIN_RESERVE, limit / 8));
    }

    /** The default director-wide UDP flow limit for a descriptor limit: half the usable descriptors, 16 to 65,536. */
    public static int defaultMaxFlows(long limit) {
        return (int) Math.max(16, Math.min(MAX_DEFAULT, usable(limit) / 2));
    }

    /** The default director-wide TCP connection limit: a quarter of the usable descriptors, 8 to 65,536. */
    public static int defaultMaxConnections(long limit) {
        return (int) Math.max(8, Math.min(MAX_DEFAULT, usable(limit) / 4));
    }

    /**
     * The UDP flow limit a director on {@code transport} holds when {@code configured} is set: on io_uring also
     * bounded by what half of {@code maxHeap} holds (IoTransport.flowLimit); on the others {@code configured}.
     */
    public static int flowLimit(Transport transport, int configured, long maxHeap) {
        return IoTransport.of(transport).flowLimit(configured, maxHeap);
    }
}
