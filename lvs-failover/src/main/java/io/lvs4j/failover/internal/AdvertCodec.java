package io.lvs4j.failover.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The advert wire format (version 2, documented in docs/failover-protocol.md), signed with HMAC-SHA256:
 *
 * <pre>
 *  0  'L' 'V'               magic
 *  2  version = 2           (1 had no port, boot id or uptime: it identified a sender by an unauthenticated port)
 *  3  type = 1 (advert)
 *  4  virtual router id     1..255
 *  5  priority              0..255
 *  6  advert interval       centiseconds, 16 bits, 1..4095
 *  8  key id
 *  9  address family        4 or 6
 * 10  sender address        4 or 16 bytes  } the sender's identity: the datagram's source must be exactly this
 *  .  sender port           16 bits        }
 *  .  boot id               64 bits, random per start of the sender
 *  .  sequence              64 bits, from 1 within a boot
 *  .  uptime                64 bits, milliseconds since the boot (monotonic clock)
 *  .  timestamp             64 bits, milliseconds since the epoch (wall clock)
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
    public static final int VERSION = 2;
    static final int TYPE_ADVERT = 1;
    static final int MAC_LENGTH = 32;
    /** The largest payload carried: {@value} bytes (a datagram must fit in 64 KiB). */
    public static final int MAX_PAYLOAD = 60_000;
    /** After the address: port, boot id, sequence, uptime, timestamp, payload length. */
    private static final int AFTER_ADDRESS = 2 + 8 + 8 + 8 + 8 + 2;
    private static final int MIN_LENGTH = 10 + 4 + AFTER_ADDRESS + MAC_LENGTH;

    private final Map<Integer, byte[]> keys;
    /** By key array identity: the arrays are this codec's own copies. Guarded by this. */
    private final Map<byte[], Mac> macs = new IdentityHashMap<>();

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
    public record Decoded(@Nullable Advert advert,
                          @Nullable Rejection rejection) {
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
        /** Not our magic or type. */
        FOREIGN,
        /** Our magic and type, another format version: a node of the group runs another lvs4j release. */
        VERSION,
        /** Signed with a key id we do not hold. */
        UNKNOWN_KEY,
        /** The HMAC does not match: forged or corrupted. */
        BAD_MAC,
        /**
         * The identity it claims (address and port) is not where the datagram came from; checked before the HMAC,
         * so that a flood of re-sent captures costs no HMAC computation.
         */
        IDENTITY_MISMATCH
    }

    /** Encodes and signs {@code advert} with its key id. */
    public byte[] encode(Advert advert) {
        byte[] key = keys.get(advert.keyId());
        if (key == null) {
            throw new IllegalArgumentException("no key with id " + advert.keyId());
        }
        byte[] addr = advert.sender().getAddress().getAddress();
        byte[] payload = advert.payload();
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload must be at most " + MAX_PAYLOAD + " bytes but was "
                    + payload.length);
        }
        ByteBuffer b = ByteBuffer.allocate(10 + addr.length + AFTER_ADDRESS + payload.length + MAC_LENGTH);
        b.put((byte) 'L').put((byte) 'V').put((byte) VERSION).put((byte) TYPE_ADVERT)
                .put((byte) advert.routerId()).put((byte) advert.priority()).putShort((short) advert.intervalCentis())
                .put((byte) advert.keyId()).put((byte) (addr.length == 4 ? 4 : 6)).put(addr)
                .putShort((short) advert.sender().getPort()).putLong(advert.bootId()).putLong(advert.sequence())
                .putLong(advert.uptimeMillis()).putLong(advert.timestampMillis()).putShort((short) payload.length)
                .put(payload);
        b.put(mac(key, b.array(), b.position()));
        return b.array();
    }

    /** Decodes and authenticates a datagram; never throws. */
    public Decoded decode(byte[] data) {
        return decode(data, null);
    }

    /**
     * Decodes and authenticates a datagram received from {@code source}, refusing it (before computing any HMAC)
     * when the identity inside is not {@code source}; never throws.
     */
    public Decoded decode(byte[] data, @Nullable InetSocketAddress source) {
        Objects.requireNonNull(data, "data");
        if (data.length < MIN_LENGTH) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        if (b.get() != 'L' || b.get() != 'V') {
            return Decoded.rejected(Rejection.FOREIGN);
        }
        int version = b.get();
        if (b.get() != TYPE_ADVERT) {
            return Decoded.rejected(Rejection.FOREIGN);
        }
        if (version != VERSION) {
            return Decoded.rejected(Rejection.VERSION);
        }
        int routerId = b.get() & 0xff;
        int priority = b.get() & 0xff;
        int interval = b.getShort() & 0xffff;
        int keyId = b.get() & 0xff;
        int family = b.get();
        int addrLength = family == 4 ? 4 : family == 6 ? 16 : -1;
        if (addrLength < 0 || routerId == 0 || interval == 0 || interval > 4095
                || data.length < 10 + addrLength + AFTER_ADDRESS + MAC_LENGTH) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
        byte[] addr = new byte[addrLength];
        b.get(addr);
        int port = b.getShort() & 0xffff;
        if (source != null && (port != source.getPort() || source.getAddress() == null
                || !Arrays.equals(addr, source.getAddress().getAddress()))) {
            return Decoded.rejected(Rejection.IDENTITY_MISMATCH);
        }
        long bootId = b.getLong();
        long sequence = b.getLong();
        long uptime = b.getLong();
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
            return Decoded.ok(new Advert(routerId, priority, interval, keyId,
                    new InetSocketAddress(InetAddress.getByAddress(addr), port), bootId, sequence, uptime, timestamp,
                    payload));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
    }

    /** HMAC-SHA256 of {@code data[0..length)}; a Mac per key, kept (initialising one costs more than using it). */
    private synchronized byte[] mac(byte[] key, byte[] data, int length) {
        Mac mac = macs.computeIfAbsent(key, k -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(k, "HmacSHA256"));
                return m;
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
        mac.update(data, 0, length);
        return mac.doFinal(); // and resets it for the next
    }
}
