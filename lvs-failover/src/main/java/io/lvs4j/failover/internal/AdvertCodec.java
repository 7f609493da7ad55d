package io.lvs4j.failover.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The advert wire format (version 1, documented in docs/failover-protocol.md), signed with HMAC-SHA256:
 *
 * <pre>
 *  0  'L' 'V'               magic
 *  2  version = 1
 *  3  type = 1 (advert)
 *  4  virtual router id     1..255
 *  5  priority              0..255
 *  6  advert interval       centiseconds, 16 bits, 1..4095
 *  8  key id
 *  9  address family        4 or 6
 * 10  sender address        4 or 16 bytes
 *  .  sequence              64 bits
 *  .  timestamp             64 bits, milliseconds since the epoch
 *  .  payload length        16 bits
 *  .  payload
 *  .  HMAC-SHA256           32 bytes over everything before it
 * </pre>
 *
 * {@link #decode} never throws for bad input: it returns a {@link Decoded} naming what was wrong, so that no byte a
 * peer sends can throw into an event loop.
 */
public final class AdvertCodec {

    /** The format version this codec speaks: {@value}. */
    public static final int VERSION = 1;
    static final int TYPE_ADVERT = 1;
    static final int MAC_LENGTH = 32;
    /** The largest payload carried: {@value} bytes (a datagram must fit in 64 KiB). */
    public static final int MAX_PAYLOAD = 60_000;
    private static final int MIN_LENGTH = 10 + 4 + 8 + 8 + 2 + MAC_LENGTH;

    private final Map<Integer, byte[]> keys;

    /**
     * A codec that signs and verifies with {@code keys} (key id to secret). During a key roll, list both keys: adverts
     * signed with either verify.
     */
    public AdvertCodec(Map<Integer, byte[]> keys) {
        for (Map.Entry<Integer, byte[]> e : keys.entrySet()) {
            if (e.getKey() < 0 || e.getKey() > 255) {
                throw new IllegalArgumentException("key id must be 0..255 but was " + e.getKey());
            }
            if (e.getValue().length < 16) {
                throw new IllegalArgumentException("key " + e.getKey() + " must be at least 16 bytes but was "
                        + e.getValue().length);
            }
        }
        this.keys = Map.copyOf(keys);
    }

    /** What {@link #decode} found: an advert, or the reason it was rejected. */
    public record Decoded(@org.jspecify.annotations.Nullable Advert advert,
                          @org.jspecify.annotations.Nullable Rejection rejection) {
        static Decoded ok(Advert a) {
            return new Decoded(a, null);
        }

        static Decoded rejected(Rejection r) {
            return new Decoded(null, r);
        }

        /** Whether an advert was decoded and authenticated. */
        public boolean ok() {
            return advert != null;
        }
    }

    /** Why an advert was rejected; counted by the instance. */
    public enum Rejection {
        /** Shorter than the smallest advert, or lengths that do not add up. */
        MALFORMED,
        /** Not our magic, version or type. */
        FOREIGN,
        /** Signed with a key id we do not hold. */
        UNKNOWN_KEY,
        /** The HMAC does not match: forged or corrupted. */
        BAD_MAC
    }

    /** Encodes and signs {@code advert} with its key id. */
    public byte[] encode(Advert advert) {
        byte[] key = keys.get(advert.keyId());
        if (key == null) {
            throw new IllegalArgumentException("no key with id " + advert.keyId());
        }
        byte[] addr = advert.sender().getAddress();
        byte[] payload = advert.payload();
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload must be at most " + MAX_PAYLOAD + " bytes but was "
                    + payload.length);
        }
        ByteBuffer b = ByteBuffer.allocate(10 + addr.length + 8 + 8 + 2 + payload.length + MAC_LENGTH);
        b.put((byte) 'L').put((byte) 'V').put((byte) VERSION).put((byte) TYPE_ADVERT)
                .put((byte) advert.routerId()).put((byte) advert.priority()).putShort((short) advert.intervalCentis())
                .put((byte) advert.keyId()).put((byte) (advert.sender() instanceof Inet4Address ? 4 : 6)).put(addr)
                .putLong(advert.sequence()).putLong(advert.timestampMillis()).putShort((short) payload.length)
                .put(payload);
        b.put(mac(key, b.array(), b.position()));
        return b.array();
    }

    /** Decodes and authenticates a datagram; never throws. */
    public Decoded decode(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length < MIN_LENGTH) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        if (b.get() != 'L' || b.get() != 'V' || b.get() != VERSION || b.get() != TYPE_ADVERT) {
            return Decoded.rejected(Rejection.FOREIGN);
        }
        int routerId = b.get() & 0xff;
        int priority = b.get() & 0xff;
        int interval = b.getShort() & 0xffff;
        int keyId = b.get() & 0xff;
        int family = b.get();
        int addrLength = family == 4 ? 4 : family == 6 ? 16 : -1;
        if (addrLength < 0 || routerId == 0 || interval == 0 || interval > 4095
                || data.length < 10 + addrLength + 18 + MAC_LENGTH) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
        byte[] addr = new byte[addrLength];
        b.get(addr);
        long sequence = b.getLong();
        long timestamp = b.getLong();
        int payloadLength = b.getShort() & 0xffff;
        if (b.remaining() != payloadLength + MAC_LENGTH) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
        byte[] key = keys.get(keyId);
        if (key == null) {
            return Decoded.rejected(Rejection.UNKNOWN_KEY);
        }
        byte[] payload = new byte[payloadLength];
        b.get(payload);
        byte[] got = new byte[MAC_LENGTH];
        b.get(got);
        if (!MessageDigest.isEqual(got, mac(key, data, data.length - MAC_LENGTH))) {
            return Decoded.rejected(Rejection.BAD_MAC);
        }
        try {
            return Decoded.ok(new Advert(routerId, priority, interval, keyId, InetAddress.getByAddress(addr), sequence,
                    timestamp, payload));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
    }

    private static byte[] mac(byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
