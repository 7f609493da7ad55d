package io.lvs4j.failover.internal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replay protection without a shared wall clock. A sender is its authenticated identity (address and port, inside
 * the MAC'd advert); each run of it is a random boot id, within which its sequence numbers only grow and its uptime
 * follows its monotonic clock. An authenticated advert is accepted when:
 *
 * <ul>
 *   <li>it is of the boot we follow for its sender: its sequence is above the last accepted, and its uptime has not
 *       fallen behind our monotonic clock by more than the window (a capture held back and replayed later), with
 *       {@value #DRIFT_PPM} ppm allowed for the two clocks' rates; or</li>
 *   <li>it is of a boot we do not follow yet (first contact, or the sender restarted): the boot was never followed
 *       before ({@link Verdict#REPLAYED} otherwise: a replayed old run), the boot we followed has gone silent (no
 *       advert for three of its advert intervals, or its last said priority 0, as a stopping node does;
 *       {@link Verdict#REPLAYED} otherwise: two runs of one identity cannot both be alive), and its wall-clock
 *       timestamp is within the window of ours ({@link Verdict#STALE} otherwise). This is the only use of the wall
 *       clock: a clock step after two nodes have heard each other changes nothing.</li>
 * </ul>
 *
 * Trade-off: a receiver that restarts forgets the boots it saw, so for the window after a sender's restart an
 * advert of the sender's previous run, captured during the last window, could be accepted first; it stops being
 * accepted as soon as the current run is heard (which makes the old boot superseded for good) or the capture ages
 * past the window. Not thread-safe: the instance's event loop owns it.
 */
public final class ReplayGuard {

    /** The rate difference allowed between a sender's monotonic clock and ours: {@value} parts per million. */
    public static final long DRIFT_PPM = 1000;
    /** Superseded boot ids remembered per sender: {@value}. */
    static final int BOOT_HISTORY = 16;
    /** Senders remembered: {@value}; only authenticated adverts create one. */
    static final int MAX_SENDERS = 1024;

    /** What {@link #check} decided. */
    public enum Verdict {
        /** Fresh and newer than anything seen from the sender. */
        ACCEPTED,
        /** A sequence number already seen (or older), a boot already superseded, or a second live boot. */
        REPLAYED,
        /** Too old: a new boot's wall clock outside the window, or a known boot's uptime fallen behind. */
        STALE
    }

    /** What we follow of one sender identity. */
    private static final class Sender {
        long boot;
        long lastSequence;
        long lastAcceptedNanos;
        /** Our monotonic ms minus the sender's uptime, at its lowest: the sender's boot time on our clock. */
        long lagMillis;
        long silenceNanos;
        boolean resigned;
        final ArrayDeque<Long> superseded = new ArrayDeque<>();
    }

    private final long windowMillis;
    private final Map<InetSocketAddress, Sender> senders = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Sender> eldest) {
            return size() > MAX_SENDERS;
        }
    };
    private long lastOffsetMillis;

    /** A guard accepting a new boot's timestamps within {@code windowMillis} of our wall clock. */
    public ReplayGuard(long windowMillis) {
        if (windowMillis < 1) {
            throw new IllegalArgumentException("freshness window must be >= 1 ms but was " + windowMillis);
        }
        this.windowMillis = windowMillis;
    }

    /**
     * Judges {@code advert} at our wall-clock time {@code nowMillis} and monotonic time {@code nowNanos}; records it
     * when accepted.
     */
    public Verdict check(Advert advert, long nowMillis, long nowNanos) {
        Sender s = senders.get(advert.sender());
        long nowMonoMillis = Math.floorDiv(nowNanos, 1_000_000L);
        long lag = nowMonoMillis - advert.uptimeMillis();
        if (s != null && advert.bootId() == s.boot) {
            if (advert.sequence() <= s.lastSequence) {
                return Verdict.REPLAYED;
            }
            long sinceMillis = Math.max(0, (nowNanos - s.lastAcceptedNanos) / 1_000_000L);
            long expected = s.lagMillis + sinceMillis * DRIFT_PPM / 1_000_000L;
            if (lag - expected > windowMillis) {
                lastOffsetMillis = lag - expected;
                return Verdict.STALE;
            }
            s.lagMillis = Math.min(expected, lag);
            record(s, advert, nowNanos);
            return Verdict.ACCEPTED;
        }
        if (s != null) {
            if (s.superseded.contains(advert.bootId())) {
                return Verdict.REPLAYED;
            }
            if (!s.resigned && nowNanos - s.lastAcceptedNanos < s.silenceNanos) {
                return Verdict.REPLAYED;
            }
        }
        if (Math.abs(nowMillis - advert.timestampMillis()) > windowMillis) {
            lastOffsetMillis = advert.timestampMillis() - nowMillis;
            return Verdict.STALE;
        }
        if (s == null) {
            s = new Sender();
            senders.put(advert.sender(), s);
        } else {
            s.superseded.addLast(s.boot);
            if (s.superseded.size() > BOOT_HISTORY) {
                s.superseded.removeFirst();
            }
        }
        s.boot = advert.bootId();
        s.lagMillis = lag;
        record(s, advert, nowNanos);
        return Verdict.ACCEPTED;
    }

    private static void record(Sender s, Advert advert, long nowNanos) {
        s.lastSequence = advert.sequence();
        s.lastAcceptedNanos = nowNanos;
        s.silenceNanos = 3L * advert.intervalCentis() * 10_000_000L;
        s.resigned = advert.priority() == 0;
    }

    /**
     * For the last {@link Verdict#STALE}: how far the advert's clock was from ours, in milliseconds (a new boot's wall
     * clock minus ours; or how far a known boot's uptime had fallen behind).
     */
    public long lastOffsetMillis() {
        return lastOffsetMillis;
    }
}
