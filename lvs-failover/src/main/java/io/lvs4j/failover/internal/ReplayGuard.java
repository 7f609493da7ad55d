package io.lvs4j.failover.internal;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Replay protection: an authenticated advert is accepted only if its sequence number is greater than the last one
 * accepted from the same sender and its timestamp is within the freshness window of our clock. A captured advert
 * replayed later fails one test or the other. Not thread-safe: the instance's event loop owns it.
 */
public final class ReplayGuard {

    /** Why {@link #check} refused an advert. */
    public enum Verdict {
        /** Fresh and newer than anything seen from the sender. */
        ACCEPTED,
        /** A sequence number already seen (or older): a replay or a duplicate. */
        REPLAYED,
        /** Timestamp outside the window: a stale capture, or clocks too far apart. */
        STALE
    }

    private final long windowMillis;
    private final Map<InetSocketAddress, Long> lastSequence = new HashMap<>();

    /** A guard accepting timestamps within {@code windowMillis} of our clock. */
    public ReplayGuard(long windowMillis) {
        if (windowMillis < 1) {
            throw new IllegalArgumentException("freshness window must be >= 1 ms but was " + windowMillis);
        }
        this.windowMillis = windowMillis;
    }

    /**
     * Judges {@code advert}, sent from {@code senderPort}, at our wall-clock time {@code nowMillis}; records it when
     * accepted. Sequences are kept per sender address and port, so nodes that share an address do not collide.
     */
    public Verdict check(Advert advert, int senderPort, long nowMillis) {
        if (Math.abs(nowMillis - advert.timestampMillis()) > windowMillis) {
            return Verdict.STALE;
        }
        InetSocketAddress sender = new InetSocketAddress(advert.sender(), senderPort);
        Long last = lastSequence.get(sender);
        if (last != null && advert.sequence() <= last) {
            return Verdict.REPLAYED;
        }
        lastSequence.put(sender, advert.sequence());
        return Verdict.ACCEPTED;
    }
}
