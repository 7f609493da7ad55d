package io.lvs4j.failover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AdvertCodecTest {

    private static final byte[] KEY1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final AdvertCodec CODEC = new AdvertCodec(Map.of(1, KEY1));

    static Advert advert(int priority, long seq) throws Exception {
        return new Advert(51, priority, 100, 1, InetAddress.getByName("10.0.0.1"), seq, 1_700_000_000_000L,
                "templates".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anAdvertSurvivesTheRoundTrip() throws Exception {
        Advert a = advert(100, 7);
        AdvertCodec.Decoded d = CODEC.decode(CODEC.encode(a));
        assertThat(d.ok()).isTrue();
        assertThat(d.advert()).isEqualTo(a);
        Advert v6 = new Advert(7, 0, 4095, 1, InetAddress.getByName("2001:db8::9"), Long.MAX_VALUE, 0, new byte[0]);
        assertThat(CODEC.decode(CODEC.encode(v6)).advert()).isEqualTo(v6);
    }

    @Test
    void wrongOrUnknownKeysAreRejected() throws Exception {
        byte[] signedWithKey2 = new AdvertCodec(Map.of(1, KEY2)).encode(advert(100, 1));
        assertThat(CODEC.decode(signedWithKey2).rejection()).isEqualTo(AdvertCodec.Rejection.BAD_MAC);
        AdvertCodec other = new AdvertCodec(Map.of(2, KEY2));
        Advert withKey2 = new Advert(51, 100, 100, 2, InetAddress.getByName("10.0.0.1"), 1, 0, new byte[0]);
        assertThat(CODEC.decode(other.encode(withKey2)).rejection()).isEqualTo(AdvertCodec.Rejection.UNKNOWN_KEY);
    }

    @Test
    void duringAKeyRollBothKeysVerify() throws Exception {
        AdvertCodec rolling = new AdvertCodec(Map.of(1, KEY1, 2, KEY2));
        Advert old = advert(100, 1);
        Advert fresh = new Advert(51, 100, 100, 2, InetAddress.getByName("10.0.0.1"), 2, 0, new byte[0]);
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
    }

    @Test
    void shortKeysAreRefusedNamingTheKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AdvertCodec(Map.of(3, new byte[8])))
                .withMessage("key 3 must be at least 16 bytes but was 8");
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowAndNeverAuthenticate(@ForAll @Size(max = 200) byte[] data) {
        assertThat(CODEC.decode(data).ok()).isFalse();
    }

    @Property(tries = 2000)
    void anyFlippedBitIsRejected(@ForAll @IntRange(min = 0, max = 10_000) int position,
                                 @ForAll @IntRange(min = 0, max = 7) int bit) throws Exception {
        byte[] data = CODEC.encode(advert(100, 42));
        int i = position % data.length;
        data[i] ^= (byte) (1 << bit);
        assertThat(CODEC.decode(data).ok()).isFalse();
    }

    @Test
    void replayedAndStaleAdvertsAreRefused() throws Exception {
        ReplayGuard guard = new ReplayGuard(2000);
        long now = 1_700_000_000_000L;
        assertThat(guard.check(advert(100, 5), 5000, now)).isEqualTo(ReplayGuard.Verdict.ACCEPTED);
        assertThat(guard.check(advert(100, 5), 5000, now)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.check(advert(100, 4), 5000, now)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.check(advert(100, 6), 5000, now + 2001)).isEqualTo(ReplayGuard.Verdict.STALE);
        assertThat(guard.check(advert(100, 6), 5000, now + 1999)).isEqualTo(ReplayGuard.Verdict.ACCEPTED);
        assertThat(guard.check(advert(100, 1), 5001, now + 1999))
                .as("another node on the same address keeps its own sequence").isEqualTo(ReplayGuard.Verdict.ACCEPTED);
    }
}
