package io.lvs4j.failover.internal;

import static io.lvs4j.failover.internal.ReplayGuard.Verdict.ACCEPTED;
import static io.lvs4j.failover.internal.ReplayGuard.Verdict.REPLAYED;
import static io.lvs4j.failover.internal.ReplayGuard.Verdict.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The replay window on a hand-driven clock: {@code wall} is the receiver's wall clock (ms), {@code mono} its monotonic
 * clock (ns); a sender is its identity, a boot id and its own uptime.
 */
class ReplayGuardTest {

    private static final long WINDOW = 10_000;
    private final ReplayGuard guard = new ReplayGuard(WINDOW);
    private long wall = 1_700_000_000_000L;
    private long mono = TimeUnit.HOURS.toNanos(5);

    /** A sender: sends with its own wall clock offset and its uptime since it booted at our {@code bootMono}. */
    private final class Sender {
        final InetSocketAddress identity;
        final long boot;
        final long bootMono;
        long wallOffset;
        long sequence;

        Sender(int port, long boot) throws Exception {
            this.identity = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            this.boot = boot;
            this.bootMono = mono;
        }

        Advert next(int priority) {
            return new Advert(51, priority, 100, 1, identity, boot, ++sequence, (mono - bootMono) / 1_000_000L,
                    wall + wallOffset, new byte[0]);
        }
    }

    private ReplayGuard.Verdict hear(Advert a) {
        return guard.check(a, wall, mono);
    }

    private void pass(long millis) {
        wall += millis;
        mono += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void withinABootOnlyNewerSequencesPass() throws Exception {
        Sender s = new Sender(5405, 1);
        Advert a1 = s.next(100);
        Advert a2 = s.next(100);
        assertThat(hear(a1)).isEqualTo(ACCEPTED);
        assertThat(hear(a2)).isEqualTo(ACCEPTED);
        assertThat(hear(a2)).isEqualTo(REPLAYED);
        assertThat(hear(a1)).isEqualTo(REPLAYED);
        pass(60_000);
        assertThat(hear(a2)).as("a replay a minute later").isEqualTo(REPLAYED);
    }

    @Test
    void identitiesKeepTheirOwnSequences() throws Exception {
        assertThat(hear(new Sender(5405, 1).next(100))).isEqualTo(ACCEPTED);
        assertThat(hear(new Sender(5406, 1).next(100))).as("another node on the same address").isEqualTo(ACCEPTED);
    }

    @Test
    void aClockStepAfterFirstContactChangesNothing() throws Exception {
        Sender s = new Sender(5405, 1);
        assertThat(hear(s.next(100))).isEqualTo(ACCEPTED);
        for (long step : new long[] {TimeUnit.HOURS.toMillis(1), -TimeUnit.DAYS.toMillis(2)}) {
            wall += step; // our wall clock steps; the monotonic one does not
            for (int i = 0; i < 20; i++) {
                pass(50);
                assertThat(hear(s.next(100))).as("after a step of %d ms", step).isEqualTo(ACCEPTED);
            }
            s.wallOffset -= 3 * step; // and the sender's steps the other way
            pass(50);
            assertThat(hear(s.next(100))).isEqualTo(ACCEPTED);
        }
    }

    @Test
    void aNewBootIsJudgedByTheWallClockOnce() throws Exception {
        Sender far = new Sender(5405, 1);
        far.wallOffset = WINDOW + 1;
        assertThat(hear(far.next(100))).isEqualTo(STALE);
        assertThat(guard.lastOffsetMillis()).isEqualTo(WINDOW + 1);
        far.wallOffset = WINDOW - 1;
        assertThat(hear(far.next(100))).isEqualTo(ACCEPTED);
    }

    @Test
    void aRestartedSenderIsAcceptedOnceItsOldRunIsSilentOrResigned() throws Exception {
        Sender run1 = new Sender(5405, 11);
        assertThat(hear(run1.next(100))).isEqualTo(ACCEPTED);
        pass(100);
        Sender run2 = new Sender(5405, 22);
        assertThat(hear(run2.next(100))).as("two live runs of one identity: one is a replay").isEqualTo(REPLAYED);
        pass(2_899); // 3 intervals of 1 s since run 1's last advert, less 1 ms
        assertThat(hear(run2.next(100))).isEqualTo(REPLAYED);
        pass(2);
        assertThat(hear(run2.next(100))).as("run 1 silent for 3 intervals").isEqualTo(ACCEPTED);

        // a graceful restart: the old run's last advert said priority 0
        pass(100);
        assertThat(hear(run2.next(0))).isEqualTo(ACCEPTED);
        pass(10);
        Sender run3 = new Sender(5405, 33);
        assertThat(hear(run3.next(255))).isEqualTo(ACCEPTED);
    }

    @Test
    void anOldRunsAdvertsAreNeverAcceptedAgain() throws Exception {
        Sender run1 = new Sender(5405, 11);
        Advert old1 = run1.next(100);
        Advert old2 = run1.next(100);
        Advert resign = run1.next(0);
        assertThat(hear(old1)).isEqualTo(ACCEPTED);
        pass(50);
        Sender run2 = new Sender(5405, 22);
        pass(5_000);
        assertThat(hear(run2.next(100))).isEqualTo(ACCEPTED);
        // the captures are within the wall-clock window, and run 2 falls silent: run 1 stays superseded
        pass(3_100);
        assertThat(hear(old2)).isEqualTo(REPLAYED);
        assertThat(hear(resign)).isEqualTo(REPLAYED);
        assertThat(hear(run2.next(100))).isEqualTo(ACCEPTED);
    }

    @Test
    void aCaptureHeldBackLongerThanTheWindowIsStaleThoughItsSequenceIsNew() throws Exception {
        Sender s = new Sender(5405, 1);
        assertThat(hear(s.next(100))).isEqualTo(ACCEPTED);
        pass(1_000);
        Advert held = s.next(100); // the attacker keeps it from us and the sender dies
        pass(WINDOW + 100); // the window, and more than the drift allowed over that time (1 ms per second)
        assertThat(hear(held)).isEqualTo(STALE);
        assertThat(guard.lastOffsetMillis()).isGreaterThan(WINDOW);
    }

    @Test
    void clocksRunningAtSlightlyDifferentRatesStayAcceptedForDays() throws Exception {
        Sender s = new Sender(5405, 1);
        assertThat(hear(s.next(100))).isEqualTo(ACCEPTED);
        long sentUptime = 0;
        for (int hour = 1; hour <= 72; hour++) {
            pass(TimeUnit.HOURS.toMillis(1));
            sentUptime += TimeUnit.HOURS.toMillis(1) * 9995 / 10_000; // the sender's clock 500 ppm slow
            Advert a = s.next(100);
            Advert slow = new Advert(a.routerId(), a.priority(), a.intervalCentis(), a.keyId(), a.sender(),
                    a.bootId(), a.sequence(), sentUptime, a.timestampMillis(), new byte[0]);
            assertThat(hear(slow)).as("hour %d", hour).isEqualTo(ACCEPTED);
        }
    }
}
