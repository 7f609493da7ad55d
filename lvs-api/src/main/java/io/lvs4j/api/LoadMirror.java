package io.lvs4j.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Objects;

/**
 * A contiguous copy of the load of a list of real servers, for schedulers that scan every real server on each pick
 * ({@code lc}, {@code wlc}, {@code sed}, {@code nq}): one {@code long} key per server, kept current by the real
 * servers themselves on every connection and availability change, so that a pick is one pass over a {@code long[]}
 * ({@link #least()}) with one load and one compare per server, and no division or multiplication.
 *
 * <p>Each key orders the servers exactly as the kernel's scan does ({@link Rule}): the pick is the first server in
 * list order with the smallest key, which is the server IPVS would pick; a server the rule skips (unavailable, or of
 * weight 0 for the weighted rules) holds {@link Long#MAX_VALUE}. For {@code wlc} and {@code sed} the key is
 * {@code floor(load × 2^32 / weight)}: two load ratios with weights up to {@value RealServer#MAX_WEIGHT} differ by at
 * least {@code 1 / (65535 × 65535)}, more than {@code 2^-32}, so the floored keys order and tie exactly as the
 * kernel's cross-multiplied comparison {@code loh × w > doh × lw}. Loads are capped at {@code 2^31 - 1} (8.4 million
 * active connections on one server), where the kernel's own {@code int} overhead overflows.
 *
 * <p>A key is written with a volatile store by whichever thread changed the server, and {@link #least()} reads the
 * keys with plain loads: a scan that runs while connections open and close may see some keys a moment old, as it
 * would see counters that change during the scan; 64-bit JVMs read a {@code long} array element whole. Once every
 * update has returned, each key equals its server's state.
 *
 * <p>A mirror costs each connection event of its servers one key computation (one 64-bit division for the weighted
 * rules) and one store. {@link #close()} stops the stores; a mirror that is garbage collected without being closed
 * stops them too.
 */
public final class LoadMirror implements AutoCloseable {

    /** The kernel scan a mirror's keys reproduce. */
    public enum Rule {
        /** {@code ip_vs_lc.c}: least {@code active × 256 + inactive}; the weight only decides availability. */
        LC,
        /** {@code ip_vs_wlc.c}: least {@code (active × 256 + inactive) / weight}. */
        WLC,
        /** {@code ip_vs_sed.c}: least {@code (active + 1) / weight}. */
        SED,
        /** {@code ip_vs_nq.c}: the first server with no active connection (key 0), else as {@link #SED}. */
        NQ
    }

    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long UNAVAILABLE = Long.MIN_VALUE;
    /** The key of a server the rule skips. */
    public static final long SKIPPED = Long.MAX_VALUE;
    private static final long MAX_LOAD = Integer.MAX_VALUE;

    private final RealServer[] servers;
    private final int[] weights;
    private final Rule rule;
    private final long[] keys;

    /**
     * A mirror of {@code servers}, in that order, for {@code rule}, kept current from now until {@link #close()}; a
     * server may appear in many mirrors.
     *
     * @param weights the weights of the scheduler's table, one per server (the server's weight, or less while it ramps
     *     up); a weight of 0 skips the server in the weighted rules, and any server that is not
     *     {@linkplain RealServer#isAvailable() available} is skipped by every rule
     * @throws IllegalArgumentException if the arrays differ in length or a weight is outside 0..65535
     */
    public static LoadMirror create(RealServer[] servers, int[] weights, Rule rule) {
        return new LoadMirror(servers, weights, rule);
    }

    private LoadMirror(RealServer[] servers, int[] weights, Rule rule) {
        if (servers.length != weights.length) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries for " + servers.length
                    + " servers");
        }
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0 || weights[i] > RealServer.MAX_WEIGHT) {
                throw new IllegalArgumentException("weights[" + i + "] must be 0.." + RealServer.MAX_WEIGHT
                        + " but was " + weights[i]);
            }
        }
        this.servers = servers.clone();
        this.weights = weights.clone();
        this.rule = Objects.requireNonNull(rule, "rule");
        this.keys = new long[servers.length];
        for (int i = 0; i < this.servers.length; i++) {
            this.servers[i].attach(new Slot(this, i));
        }
    }

    /** How many servers this mirror holds. */
    public int size() {
        return keys.length;
    }

    /** The key of server {@code i}: {@link #SKIPPED} when the rule skips it, otherwise its load in the rule's order. */
    public long key(int i) {
        return (long) KEYS.getVolatile(keys, i);
    }

    /**
     * The index of the server the kernel's scan would pick: the first in list order with the smallest key, or -1 when
     * every server is skipped. Reads the keys with plain loads (see the class comment); stops at the first key of 0,
     * which nothing can undercut.
     */
    public int least() {
        long[] k = keys;
        long best = SKIPPED;
        int at = -1;
        for (int i = 0; i < k.length; i++) {
            long x = k[i];
            if (x < best) {
                if (x == 0) {
                    return i;
                }
                best = x;
                at = i;
            }
        }
        return at;
    }

    /** Detaches this mirror from its servers; its keys keep their last values. Idempotent. */
    @Override
    public void close() {
        for (RealServer rs : servers) {
            rs.detach(this);
        }
    }

    /** The word a real server publishes for {@code connections} (packed as {@link RealServer} keeps them). */
    static long word(long connections, boolean available) {
        return available ? connections : connections | UNAVAILABLE;
    }

    /**
     * The key of a server whose word is {@code word} and whose table weight is {@code weight}, under {@code rule}.
     */
    static long key(Rule rule, long word, int weight) {
        if (word < 0 || (weight <= 0 && rule != Rule.LC)) {
            return SKIPPED;
        }
        long active = word >>> 32;
        switch (rule) {
            case LC:
                return Math.min((active << 8) + (word & 0xFFFF_FFFFL), MAX_LOAD);
            case WLC:
                return (Math.min((active << 8) + (word & 0xFFFF_FFFFL), MAX_LOAD) << 32) / weight;
            case NQ:
                if (active == 0) {
                    return 0;
                }
                return (Math.min(active + 1, MAX_LOAD) << 32) / weight;
            default:
                return (Math.min(active + 1, MAX_LOAD) << 32) / weight;
        }
    }

    /**
     * Copies {@code rs}'s current word, as each mirror's key, into each of {@code slots}, again until the word read
     * after the stores is the word stored. With every store and read volatile, the last store to a slot is followed by
     * no change the changer did not store itself, so a slot never keeps a stale key when updates stop.
     */
    static void publish(RealServer rs, Slot[] slots) {
        long w;
        do {
            w = rs.loadWord();
            for (Slot s : slots) {
                LoadMirror m = s.get();
                if (m != null) {
                    KEYS.setVolatile(m.keys, s.index, key(m.rule, w, m.weights[s.index]));
                }
            }
        } while (w != rs.loadWord());
    }

    /** One place of one real server in one mirror; weak, so that a mirror nobody closed can be collected. */
    static final class Slot extends WeakReference<LoadMirror> {
        static final Slot[] NONE = new Slot[0];
        final int index;

        Slot(LoadMirror mirror, int index) {
            super(mirror);
            this.index = index;
        }
    }
}
