package io.lvs4j.failover.internal;

import io.lvs4j.api.Addresses;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One advertisement, decoded and authenticated. Every field, the sender's identity included, is covered by the MAC.
 *
 * @param routerId the virtual router id, 1..255
 * @param priority the sender's priority, 0..255 (0: the master resigns)
 * @param intervalCentis the sender's advert interval in centiseconds, 1..4095 as in RFC 5798
 * @param keyId the id of the key that signed it
 * @param sender the sender's identity: the address and UDP port it sends from, which the datagram's source must
 *     match; the tie-breaker between equal priorities
 * @param bootId a random number the sender drew when it started: tells its runs apart
 * @param sequence the sender's advert counter within this boot, from 1, strictly increasing
 * @param uptimeMillis the sender's monotonic clock when it sent, in milliseconds since its boot
 * @param timestampMillis the sender's wall clock when it sent; checked only when a boot is first heard
 * @param payload state-sync data (persistence templates), possibly empty
 */
public record Advert(int routerId, int priority, int intervalCentis, int keyId, InetSocketAddress sender,
                     long bootId, long sequence, long uptimeMillis, long timestampMillis, byte[] payload) {

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
        if (sender.isUnresolved()) {
            throw new IllegalArgumentException("sender must be an address but was " + sender);
        }
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
                && bootId == a.bootId && sequence == a.sequence && uptimeMillis == a.uptimeMillis
                && timestampMillis == a.timestampMillis && Arrays.equals(payload, a.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routerId, priority, sender, bootId, sequence);
    }

    @Override
    public String toString() {
        return "Advert[vrid " + routerId + " prio " + priority + " int " + intervalCentis + "cs from "
                + Addresses.format(sender) + " boot " + Long.toHexString(bootId) + " seq " + sequence
                + " key " + keyId + " payload " + payload.length + "]";
    }
}
