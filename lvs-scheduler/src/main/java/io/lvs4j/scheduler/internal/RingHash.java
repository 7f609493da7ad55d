package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * {@code ring}: consistent hashing on a ring (Karger et al.; Envoy's and HAProxy's {@code hash-type consistent}).
 * Each real server owns points in proportion to its weight; a flow goes to the owner of the first point at or after
 * the hash of its client address (and port under {@code ring-port}), walking on past unavailable servers.
 *
 * <p>Options: {@code ring-size} (points in all, default {@code max(16384, 256 × servers)}, which keeps
 * every server within about 5% of its weight share), and
 * {@code bounded-load-factor} c &gt; 1 for consistent hashing with bounded loads (Mirrokni et al.): a server whose
 * active connections reach {@code ceil(c × (total active + 1) × weight / total weight)} is passed over.
 */
final class RingHash extends BaseScheduler<RingHash.Ring> {

    /** Sorted point hashes and the server owning each point. */
    static final class Ring {
        final long[] points;
        final RealServer[] owners;
        final RealServer[] servers;
        final int[] weights;
        final long totalWeight;

        Ring(long[] points, RealServer[] owners, RealServer[] servers, int[] weights) {
            this.points = points;
            this.owners = owners;
            this.servers = servers;
            this.weights = weights;
            long t = 0;
            for (int w : weights) {
                t += Math.max(0, w);
            }
            this.totalWeight = t;
        }
    }

    static final int DEFAULT_POINTS = 4096;
    static final int MAX_TOTAL_POINTS = 1 << 20;
    private static final long INDEX_MASK = (1L << 20) - 1;
    private static final long POSITION_MASK = ~INDEX_MASK;
    private static final long POSITION_MASK_FLIPPED = POSITION_MASK;

    private final int ringPoints;
    private final double boundedLoad;
    private final boolean port;

    RingHash(SchedulerConfig config) {
        super("ring", config, new Ring(new long[0], new RealServer[0], new RealServer[0], new int[0]));
        this.ringPoints = config.intOption("ring-points", 0);
        if (ringPoints < 0 || ringPoints > MAX_TOTAL_POINTS) {
            throw new IllegalArgumentException("scheduler option ring-points must be 0 (automatic) to "
                    + MAX_TOTAL_POINTS + " but was " + ringPoints);
        }
        this.boundedLoad = config.doubleOption("bounded-load-factor", 0);
        if (boundedLoad != 0 && !(boundedLoad > 1.0)) {
            throw new IllegalArgumentException("scheduler option bounded-load-factor must be > 1 but was "
                    + boundedLoad);
        }
        this.port = config.hasFlag("ring-port");
    }

    @Override
    protected Ring build(RealServer[] servers, int[] weights, Ring previous) {
        Members sorted = HashTables.sorted(servers, weights);
        long total = 0;
        for (int w : sorted.weights) {
            total += w;
        }
        if (total == 0) {
            return new Ring(new long[0], new RealServer[0], sorted.servers, sorted.weights);
        }
        int n = sorted.servers.length;
        if (n > INDEX_MASK + 1) {
            throw new IllegalArgumentException("scheduler ring holds at most " + (INDEX_MASK + 1) + " real servers");
        }
        int perServer = ringPoints > 0 ? ringPoints : Math.min(DEFAULT_POINTS, Math.max(16, MAX_TOTAL_POINTS / n));
        int maxWeight = max(sorted.weights);
        int count = 0;
        int[] share = new int[n];
        for (int i = 0; i < n; i++) {
            share[i] = sorted.weights[i] == 0 ? 0 : (int) Math.max(1, Math.round((double) perServer * sorted.weights[i]
                    / maxWeight));
            count += share[i];
        }
        // Each point is one long: the top 44 bits of its hash, sign-flipped so a signed sort gives unsigned order,
        // and the owner's index in the low 20 bits. Sorting primitives keeps a 1M-point build well under a second.
        long[] packed = new long[count];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long base = serverKey(sorted.servers[i]);
            for (int j = 0; j < share[i]; j++) {
                long h = HashTables.mix64(base + 0x9E3779B97F4A7C15L * (j + 1));
                packed[k++] = ((h & POSITION_MASK) ^ Long.MIN_VALUE) | i;
            }
        }
        Arrays.sort(packed);
        long[] points = new long[count];
        RealServer[] owners = new RealServer[count];
        for (int i = 0; i < count; i++) {
            points[i] = packed[i] & POSITION_MASK_FLIPPED;
            owners[i] = sorted.servers[(int) (packed[i] & INDEX_MASK)];
        }
        return new Ring(points, owners, sorted.servers, sorted.weights);
    }

    private static long serverKey(RealServer rs) {
        return HashTables.mix64(((long) Flow.fold(rs.address().getAddress()) << 16) ^ rs.address().getPort());
    }

    static long flowKey(Flow flow, boolean withPort) {
        long k = (flow.clientAddressFold() & 0xffffffffL) << 16;
        if (withPort) {
            k ^= flow.clientPort();
        }
        return HashTables.mix64(k ^ 0x5bd1e9955bd1e995L);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Ring r = table();
        long[] points = r.points;
        int n = points.length;
        if (n == 0) {
            return null;
        }
        long h = (flowKey(flow, port) & POSITION_MASK) ^ Long.MIN_VALUE;
        int i = lowerBound(points, h);
        long activeTotal = 0;
        if (boundedLoad != 0) {
            for (RealServer rs : r.servers) {
                activeTotal += rs.activeConnections();
            }
        }
        for (int step = 0; step < n; step++) {
            RealServer rs = r.owners[(i + step) % n];
            if (!rs.isAvailable()) {
                continue;
            }
            if (boundedLoad == 0 || withinBound(r, rs, activeTotal)) {
                return rs;
            }
        }
        return null;
    }

    private boolean withinBound(Ring r, RealServer rs, long activeTotal) {
        int w = 0;
        for (int i = 0; i < r.servers.length; i++) {
            if (r.servers[i] == rs) {
                w = r.weights[i];
                break;
            }
        }
        double capacity = Math.ceil(boundedLoad * (activeTotal + 1) * w / r.totalWeight);
        return rs.activeConnections() < capacity;
    }

    /** The first index whose point is {@code >= h} (both sign-flipped, so signed order), wrapping to 0. */
    static int lowerBound(long[] points, long h) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (points[mid] < h) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }
}
