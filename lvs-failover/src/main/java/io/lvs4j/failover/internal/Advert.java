package io.lvs4j.failover.internal;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One advertisement, decoded and authenticated.
 *
 * @param routerId the virtual router id, 1..255
 * @param priority the sender's priority, 0..255 (0: the master resigns)
 * @param intervalCentis the sender's advert interval in centiseconds, 1..4095 as in RFC 5798
 * @param keyId the id of the key that signed it
 * @param sender the sender's address (the tie-breaker between equal priorities)
 * @param sequence the sender's sequence number, strictly increasing per sender
 * @param timestampMillis the sender's wall clock when it sent, for the freshness window
 * @param payload state-sync data (persistence templates), possibly empty
 */
public record Advert(int routerId, int priority, int intervalCentis, int keyId, InetAddress sender, long sequence,
                     long timestampMillis, byte[] payload) {

    /** Validates the fields. */
    public Advert {
        if (routerId < 1 || routerId > 255) {
            throw new IllegalArgumentException("routerId must be 1..255 but was " + routerId);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be 0..255 but was " + priority);
        }
        if (intervalCentis < 1 || intervalCentis > 4095) {
            throw new IllegalArgumentException("intervalCentis must be 1..4095 but was " + intervalCentis);
        }
        if (keyId < 0 || keyId > 255) {
            throw new IllegalArgumentException("keyId must be 0..255 but was " + keyId);
        }
        Objects.requireNonNull(sender, "sender");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Advert a && routerId == a.routerId && priority == a.priority
                && intervalCentis == a.intervalCentis && keyId == a.keyId && sender.equals(a.sender)
                && sequence == a.sequence && timestampMillis == a.timestampMillis && Arrays.equals(payload, a.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routerId, priority, sender, sequence);
    }

    @Override
    public String toString() {
        return "Advert[vrid " + routerId + " prio " + priority + " int " + intervalCentis + "cs from "
                + sender.getHostAddress() + " seq " + sequence + " key " + keyId + " payload " + payload.length + "]";
    }
}
