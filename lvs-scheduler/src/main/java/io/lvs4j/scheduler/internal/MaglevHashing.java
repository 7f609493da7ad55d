package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code mh}, Maglev hashing, computed as the kernel computes it: the same keyed hash ({@code hsiphash} with
 * IPVS's fixed keys), the same offset and skip per real server, the same population loop in which each server
 * places {@code (lastWeight / gcd) >> rshift} entries per round, so a table (and every pick) equals the kernel's for
 * the same servers in the same order. Servers are sorted by address first, so all directors build the same table.
 *
 * <p>As in the kernel, a server set to weight 0 keeps its entries (its last non-zero weight counts), so quiescing a
 * server moves no other flow; flows that hash to it get no server, or, with {@code mh-fallback}, the kernel's probe
 * sequence. {@code mh-port} adds the client port to the key. Option {@code table-size}: a prime, default 4093;
 * 65537 and the kernel's sizes (251 ... 131071) work.
 */
final class MaglevHashing extends BaseScheduler<MaglevHashing.Table> {

    static final int DEFAULT_TABLE_SIZE = 4093;
    static final long KEY1 = 2654435761L;
    static final long KEY2 = 2654446892L;

    /** The lookup table: server per entry ({@code null} when the table is empty). */
    static final class Table {
        final RealServer @Nullable [] lookup;

        Table(RealServer @Nullable [] lookup) {
            this.lookup = lookup;
        }
    }

    private final int size;
    private final int tabBits;
    private final long fastmodC;
    private final boolean port;
    private final boolean fallback;
    private final Map<RealServer, Integer> lastWeight = new IdentityHashMap<>(); // guarded by the base lock

    MaglevHashing(SchedulerConfig config) {
        super("mh", config, new Table(null));
        int m = config.intOption("table-size", DEFAULT_TABLE_SIZE);
        if (m < 251 || m > 1 << 20 || !HashTables.isPrime(m)) {
            throw new IllegalArgumentException("scheduler option table-size must be a prime from 251 to 1048576"
                    + " but was " + m);
        }
        this.size = m;
        this.tabBits = (32 - Integer.numberOfLeadingZeros(m - 1)) / 2;
        this.fastmodC = Long.divideUnsigned(-1L, m) + 1;
        this.port = config.hasFlag("mh-port");
        this.fallback = config.hasFlag("mh-fallback");
    }

    /** The table size M. */
    int size() {
        return size;
    }

    /** {@code ip_vs_mh_hashkey}: hsiphash of {@code offset + port + fold}. */
    static int hashKey(int fold, int port, long key, int offset) {
        return Hsiphash.hash1u32(offset + port + fold, key, key);
    }

    /** {@code h mod size} for an unsigned {@code h}, by Lemire's multiply-shift instead of a division. */
    int mod(int h) {
        long lowbits = fastmodC * (h & 0xffffffffL);
        return (int) (Math.multiplyHigh(lowbits, size) + ((lowbits >> 63) & size));
    }

    @Override
    protected Table build(RealServer[] servers, int[] weights, Table previous) {
        Members sorted = HashTables.sorted(servers, weights);
        RealServer[] s = sorted.servers;
        int n = s.length;
        if (n > size) {
            throw new IllegalArgumentException("scheduler mh cannot hold " + n + " real servers in a table of " + size
                    + "; set option table-size to a larger prime");
        }
        // last_weight: the latest non-zero weight (or the weight a server was added with)
        Map<RealServer, Integer> next = new IdentityHashMap<>();
        int[] lw = new int[n];
        for (int i = 0; i < n; i++) {
            Integer known = lastWeight.get(s[i]);
            lw[i] = sorted.weights[i] != 0 || known == null ? sorted.weights[i] : known;
            next.put(s[i], lw[i]);
        }
        lastWeight.clear();
        lastWeight.putAll(next);

        int gcd = gcdOfPositive(lw);
        if (gcd < 1) {
            return new Table(null);
        }
        int mw = max(lw) / gcd;
        int rshift = Math.max(0, (32 - Integer.numberOfLeadingZeros(mw)) - tabBits);
        int[] perm = new int[n];
        int[] skip = new int[n];
        int[] turns = new int[n];
        for (int i = 0; i < n; i++) {
            InetFold f = InetFold.of(s[i]);
            perm[i] = Integer.remainderUnsigned(hashKey(f.fold, f.port, KEY1, 0), size);
            skip[i] = Integer.remainderUnsigned(hashKey(f.fold, f.port, KEY2, 0), size - 1) + 1;
            int t = (lw[i] / gcd) >> rshift;
            turns[i] = t != 0 ? t : (lw[i] != 0 ? 1 : 0);
        }
        // Occupancy as a bitset: 8 KiB for M = 65537 stays in L1 while the probe sequences run.
        long[] filled = new long[(size + 63) >>> 6];
        RealServer[] lookup = new RealServer[size];
        int placed = 0;
        int dtCount = 0;
        fill:
        while (placed < size) {
            for (int i = 0; i < n; ) {
                if (turns[i] < 1) {
                    i++;
                    continue;
                }
                int c = perm[i];
                int step = skip[i];
                while ((filled[c >>> 6] & (1L << c)) != 0) {
                    c += step;
                    if (c >= size) {
                        c -= size;
                    }
                }
                perm[i] = c;
                filled[c >>> 6] |= 1L << c;
                lookup[c] = s[i];
                if (++placed == size) {
                    break fill;
                }
                if (++dtCount >= turns[i]) {
                    dtCount = 0;
                    i++;
                }
            }
        }
        return new Table(lookup);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        RealServer[] lookup = table().lookup;
        if (lookup == null) {
            return null;
        }
        int fold = flow.clientAddressFold();
        int p = port ? flow.clientPort() : 0;
        int ihash = mod(hashKey(fold, p, KEY1, 0));
        RealServer rs = lookup[ihash];
        if (rs.isAvailable()) {
            return rs;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < size; offset++) {
            int roffset = (offset + ihash) % size;
            rs = lookup[mod(hashKey(fold, p, KEY1, roffset))];
            if (rs.isAvailable()) {
                return rs;
            }
        }
        return null;
    }

    /** A real server's address fold and port, the inputs of its offset and skip. */
    record InetFold(int fold, int port) {
        static InetFold of(RealServer rs) {
            return new InetFold(Flow.fold(rs.address().getAddress()), rs.address().getPort());
        }
    }
}
