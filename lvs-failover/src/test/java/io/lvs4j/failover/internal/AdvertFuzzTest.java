package io.lvs4j.failover.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.api.failover.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Jazzer: whatever a peer sends, the decoder never throws and authenticates nothing it was not given the key for,
 * and one state-machine step on any advert keeps the machine's rules. In CI this runs as a short fuzzing session
 * (see the pom); by hand, longer: {@code JAZZER_FUZZ=1 ./mvnw -pl lvs-failover test -Dtest=AdvertFuzzTest
 * -Djazzer.max_duration=10m}.
 */
class AdvertFuzzTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);
    private static final AdvertCodec CODEC = new AdvertCodec(Map.of(1, KEY));

    /** A state machine whose outputs go nowhere; the clock stands still. */
    private static final class Quiet implements VrrpInstance.Port {
        Role lastTo = Role.INIT;

        @Override
        public void sendAdvert(int priority) {
        }

        @Override
        public void setTimer(long delayNanos) {
        }

        @Override
        public void roleChanged(Role from, Role to, String reason) {
            lastTo = to;
        }

        @Override
        public long nanoTime() {
            return 0;
        }
    }

    @FuzzTest(maxDuration = "15s")
    void anythingAPeerSendsIsRejectedWithoutThrowingAndAnyAdvertKeepsTheRules(FuzzedDataProvider data)
            throws UnknownHostException {
        // one state-machine step: an instance, as backup or master, hears an arbitrary (authenticated) advert
        int ours = data.consumeInt(1, 254);
        boolean master = data.consumeBoolean();
        int theirs = data.consumeInt(0, 255);
        int interval = data.consumeInt(1, 4095);
        byte[] ip = data.consumeBytes(data.consumeBoolean() ? 4 : 16);
        int port = data.consumeInt(1, 65535);
        Quiet port0 = new Quiet();
        VrrpInstance vrrp = new VrrpInstance(port0, new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 5405),
                ours, 10, true);
        vrrp.start();
        if (master) {
            vrrp.onTimer(); // master down interval expired
        }
        Role before = vrrp.role();
        InetSocketAddress sender = ip.length == 4 || ip.length == 16
                ? new InetSocketAddress(InetAddress.getByAddress(ip), port)
                : new InetSocketAddress(InetAddress.getByName("10.0.0.2"), port);
        vrrp.onAdvert(theirs, interval, sender);
        assertThat(vrrp.role()).isIn(Role.BACKUP, Role.MASTER);
        if (before == Role.MASTER && theirs < ours && theirs != 0) {
            assertThat(vrrp.role()).as("a lesser master never demotes us").isEqualTo(Role.MASTER);
        }
        if (before == Role.BACKUP) {
            assertThat(vrrp.role()).as("an advert alone never makes a backup master").isEqualTo(Role.BACKUP);
        }

        // then the rest of the input as a datagram: never throws, never authenticates without the key
        byte[] datagram = data.consumeRemainingAsBytes();
        AdvertCodec.Decoded d = CODEC.decode(datagram);
        assertThat(d.advert() == null).isNotEqualTo(d.rejection() == null);
        if (d.advert() != null) {
            // only possible if the input carries a valid HMAC-SHA256 under KEY: re-encoding must give it back
            assertThat(CODEC.encode(d.advert())).isEqualTo(datagram);
        }
    }
}
