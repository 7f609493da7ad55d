package io.lvs4j.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * A contiguous copy of the load of a list of real servers, for schedulers that scan every real server on each pick
 * ({@code lc}, {@code wlc}, {@code sed}, {@code nq}): one {@code long} per server, kept current by the real servers
 * themselves on every connection and availability change, so that a scan reads one cache line per eight servers
 * instead of one object per server.
 *
 * <p>Each word holds the active connections in bits 32..62, the inactive connections in bits 0..31, and bit 63 set
 * when the server is not {@linkplain RealServer#isAvailable() available}; a word is therefore negative exactly when
 * a scheduler must skip the server. Once every update has returned, each word equals its server's state; while
 * connections open and close it is as current as the counters a scan would read directly.
 *
 * <p>A mirror costs each connection event of its servers one store. {@link #close()} stops the stores; a mirror
 * that is garbage collected without being closed stops them too.
 */
public final class LoadMirror implements AutoCloseable {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long UNAVAILABLE = Long.MIN_VALUE;

    private final RealServer[] servers;
    private final long[] words;

    /** Mirrors {@code servers}, in that order; a server may appear in many mirrors. */
    public LoadMirror(RealServer[] servers) {
        this.servers = servers.clone();
        this.words = new long[servers.length];
        for (int i = 0; i < this.servers.length; i++) {
            this.servers[i].attach(new Slot(this, i));
        }
    }

    /** How many servers this mirror holds. */
    public int size() {
        return words.length;
    }

    /**
     * The load word of server {@code i}: negative when the server is unavailable, otherwise its packed counters
     * (decode them with {@link #active} and {@link #overhead}).
     */
    public long word(int i) {
        return words[i];
    }

    /** The active connections in an available server's word. */
    public static int active(long word) {
        return (int) ((word & ~UNAVAILABLE) >>> 32);
    }

    /** The IPVS overhead in an available server's word: {@code active × 256 + inactive}, as {@link RealServer#overhead()}. */
    public static int overhead(long word) {
        return (active(word) << 8) + (int) word;
    }

    /** Detaches this mirror from its servers; its words keep their last values. Idempotent. */
    @Override
    public void close() {
        for (RealServer rs : servers) {
            rs.detach(this);
        }
    }

    /** The word a mirror holds for {@code connections} (packed as {@link RealServer} keeps them). */
    static long word(long connections, boolean available) {
        return available ? connections : connections | UNAVAILABLE;
    }

    /**
     * Copies {@code rs}'s current word into each of {@code slots}, again until the word read after the stores is the
     * word stored. With every store and read volatile, the last store to a slot is followed by no change the
     * changer did not store itself, so a slot never keeps a stale word when updates stop.
     */
    static void publish(RealServer rs, Slot[] slots) {
        long w;
        do {
            w = rs.loadWord();
            for (Slot s : slots) {
                LoadMirror m = s.get();
                if (m != null) {
                    WORDS.setVolatile(m.words, s.index, w);
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
