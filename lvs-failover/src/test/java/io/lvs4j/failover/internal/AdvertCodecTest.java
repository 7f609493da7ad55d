package io.lvs4j.failover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdvertCodecTest {

    private static final byte[] KEY1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final AdvertCodec CODEC = new AdvertCodec(Map.of(1, KEY1));

    /** The properties' tries, as many as the jqwik properties they replace ran. */
    private static final int TRIES = 2000;

    static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    static Advert advert(int priority, long seq) throws Exception {
        return new Advert(51, priority, 100, 1, at("10.0.0.1", 5405), 0x1234_5678_9abc_def0L, seq, 42_000,
                1_700_000_000_000L, "templates".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anAdvertSurvivesTheRoundTrip() throws Exception {
        Advert a = advert(100, 7);
        AdvertCodec.Decoded d = CODEC.decode(CODEC.encode(a));
        assertThat(d.ok()).isTrue();
        assertThat(d.advert()).isEqualTo(a);
        Advert v6 = new Advert(7, 0, 4095, 1, at("2001:db8::9", 65535), -1, Long.MAX_VALUE, Long.MAX_VALUE, 0,
                new byte[0]);
        assertThat(CODEC.decode(CODEC.encode(v6)).advert()).isEqualTo(v6);
    }

    @Test
    void wrongOrUnknownKeysAreRejected() throws Exception {
        byte[] signedWithKey2 = new AdvertCodec(Map.of(1, KEY2)).encode(advert(100, 1));
        assertThat(CODEC.decode(signedWithKey2).rejection()).isEqualTo(AdvertCodec.Rejection.BAD_MAC);
        AdvertCodec other = new AdvertCodec(Map.of(2, KEY2));
        Advert withKey2 = new Advert(51, 100, 100, 2, at("10.0.0.1", 5405), 7, 1, 0, 0, new byte[0]);
        assertThat(CODEC.decode(other.encode(withKey2)).rejection()).isEqualTo(AdvertCodec.Rejection.UNKNOWN_KEY);
    }

    @Test
    void duringAKeyRollBothKeysVerify() throws Exception {
        AdvertCodec rolling = new AdvertCodec(Map.of(1, KEY1, 2, KEY2));
        Advert old = advert(100, 1);
        Advert fresh = new Advert(51, 100, 100, 2, at("10.0.0.1", 5405), 7, 2, 0, 0, new byte[0]);
        assertThat(rolling.decode(CODEC.encode(old)).ok()).isTrue();
        assertThat(rolling.decode(rolling.encode(fresh)).ok()).isTrue();
    }

    @Test
    void foreignAndTruncatedDatagramsAreNamed() throws Exception {
        byte[] good = CODEC.encode(advert(100, 1));
        byte[] foreign = good.clone();
        foreign[0] = 'X';
        assertThat(CODEC.decode(foreign).rejection()).isEqualTo(AdvertCodec.Rejection.FOREIGN);
        assertThat(CODEC.decode(Arrays.copyOf(good, 20)).rejection()).isEqualTo(AdvertCodec.Rejection.MALFORMED);
        assertThat(CODEC.decode(Arrays.copyOf(good, good.length - 1)).rejection())
                .isEqualTo(AdvertCodec.Rejection.MALFORMED);
        assertThat(CODEC.decode(new byte[0]).rejection()).isEqualTo(AdvertCodec.Rejection.MALFORMED);
        byte[] version1 = good.clone();
        version1[2] = 1;
        assertThat(CODEC.decode(version1).rejection()).as("the format without an authenticated port")
                .isEqualTo(AdvertCodec.Rejection.VERSION);
    }

    @Test
    void theSendersPortAndBootAreAuthenticated() throws Exception {
        byte[] good = CODEC.encode(advert(100, 1));
        // after magic, version, type, vrid, priority, interval, key id, family (10 bytes) and the IPv4 address
        for (int i = 14; i < 14 + 2 + 8; i++) {
            byte[] moved = good.clone();
            moved[i] ^= 1;
            assertThat(CODEC.decode(moved).rejection()).as("byte %d changed", i)
                    .isEqualTo(AdvertCodec.Rejection.BAD_MAC);
        }
        Advert back = CODEC.decode(good).advert();
        assertThat(back.sender()).isEqualTo(at("10.0.0.1", 5405));
        assertThat(back.bootId()).isEqualTo(0x1234_5678_9abc_def0L);
        assertThat(back.uptimeMillis()).isEqualTo(42_000);
    }

    @Test
    void shortKeysAreRefusedNamingTheKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AdvertCodec(Map.of(3, new byte[8])))
                .withMessage("key 3 must be at least 16 bytes but was 8");
    }

    @Test
    void randomBytesNeverThrowAndNeverAuthenticate() throws Exception {
        Random random = new Random(20_151_015L);
        byte[] valid = CODEC.encode(advert(100, 42));
        for (int t = 0; t < TRIES; t++) {
            byte[] data = new byte[random.nextInt(201)]; // 0..200 bytes
            random.nextBytes(data);
            if (t % 4 == 0 && data.length >= 4) {
                System.arraycopy(valid, 0, data, 0, 4); // our magic, version and type: the decoder reads further
            }
            assertThat(CODEC.decode(data).ok()).as("try %d: %s", t, Arrays.toString(data)).isFalse();
        }
    }

    @Test
    void anyFlippedBitIsRejected() throws Exception {
        Random random = new Random(7_340_033L);
        for (int t = 0; t < TRIES; t++) {
            int position = random.nextInt(10_001); // 0..10,000, as the jqwik property drew it
            int bit = random.nextInt(8);
            byte[] data = CODEC.encode(advert(100, 42));
            int i = position % data.length;
            data[i] ^= (byte) (1 << bit);
            assertThat(CODEC.decode(data).ok()).as("try %d: bit %d of byte %d", t, bit, i).isFalse();
        }
    }
}
