package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionTimersTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> expired = new ArrayList<>();

    private ConnectionTimers.Timer timer(String name) {
        return new ConnectionTimers.Timer() {
            @Override
            void expire() {
                expired.add(name);
            }
        };
    }

    @Test
    void timersExpireAtTheirDeadlineInOrderAndNotBefore() {
        ConnectionTimers timers = new ConnectionTimers(null, now::get, 100, 50);
        ConnectionTimers.Timer a = timer("a");
        ConnectionTimers.Timer b = timer("b");
        ConnectionTimers.Timer c = timer("c");
        timers.line(0).start(a, 1_000);
        timers.line(0).start(b, 1_010);
        timers.line(1).start(c, 1_000);
        assertThat(timers.expireDue(1_049)).isEqualTo(1_050);
        assertThat(expired).isEmpty();
        assertThat(timers.expireDue(1_050)).isEqualTo(1_100); // c's deadline is now + 50: exactly due
        assertThat(expired).containsExactly("c");
        assertThat(c.pending()).isFalse();
        assertThat(timers.expireDue(1_105)).isEqualTo(1_110);
        assertThat(timers.expireDue(2_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(expired).containsExactly("c", "a", "b");
    }

    @Test
    void aRestartedTimerGoesBehindTheOthersWithItsNewDeadline() {
        // the idle timer: each read starts it again
        ConnectionTimers timers = new ConnectionTimers(null, now::get, 100);
        ConnectionTimers.Timer busy = timer("busy");
        ConnectionTimers.Timer quiet = timer("quiet");
        timers.line(0).start(busy, 1_000);
        timers.line(0).start(quiet, 1_010);
        timers.line(0).start(busy, 1_090);
        timers.expireDue(1_110);
        assertThat(expired).containsExactly("quiet");
        assertThat(busy.pending()).isTrue();
        timers.expireDue(1_189);
        assertThat(expired).containsExactly("quiet");
        timers.expireDue(1_190);
        assertThat(expired).containsExactly("quiet", "busy");
    }

    @Test
    void aStoppedTimerNeverExpiresWhereverItWasInTheList() {
        ConnectionTimers timers = new ConnectionTimers(null, now::get, 100);
        List<ConnectionTimers.Timer> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ConnectionTimers.Timer t = timer("t" + i);
            all.add(t);
            timers.line(0).start(t, 1_000 + i);
        }
        ConnectionTimers.stop(all.get(0)); // head
        ConnectionTimers.stop(all.get(2)); // middle
        ConnectionTimers.stop(all.get(4)); // tail
        ConnectionTimers.stop(all.get(4)); // twice: nothing happens
        assertThat(all.get(2).pending()).isFalse();
        timers.expireDue(5_000);
        assertThat(expired).containsExactly("t1", "t3");
        ConnectionTimers.stop(all.get(1)); // after it expired: nothing happens
        timers.line(0).start(all.get(4), 5_000); // a stopped timer can start again
        timers.expireDue(5_100);
        assertThat(expired).containsExactly("t1", "t3", "t4");
    }

    @Test
    void anExpiryMayStopAnotherDueTimerOrStartOne() {
        ConnectionTimers timers = new ConnectionTimers(null, now::get, 100, 100);
        ConnectionTimers.Timer victim = timer("victim");
        ConnectionTimers.Timer later = timer("later");
        ConnectionTimers.Timer killer = new ConnectionTimers.Timer() {
            @Override
            void expire() {
                expired.add("killer");
                ConnectionTimers.stop(victim); // as closeBoth stops the connection's other timers
                timers.line(0).start(later, 1_200);
            }
        };
        timers.line(0).start(killer, 1_000);
        timers.line(1).start(victim, 1_000);
        assertThat(timers.expireDue(1_100)).isEqualTo(1_300); // line 0 was passed before 'later' joined it
        assertThat(expired).containsExactly("killer");
        timers.expireDue(1_300);
        assertThat(expired).containsExactly("killer", "later");
    }

    @Test
    void manyTimersStartedRestartedAndStoppedAtRandomEachExpireOnceAndOnTime() {
        ConnectionTimers timers = new ConnectionTimers(null, now::get, 1_000);
        Random random = new Random(18);
        int n = 10_000;
        long[] deadline = new long[n]; // 0: stopped (or never started) since it last expired
        long[] clock = {0};
        List<String> wrong = new ArrayList<>();
        int[] expiries = {0};
        List<ConnectionTimers.Timer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            all.add(new ConnectionTimers.Timer() {
                @Override
                void expire() {
                    if (deadline[id] != clock[0]) {
                        wrong.add("timer " + id + " expired at " + clock[0] + ", due at " + deadline[id]);
                    }
                    deadline[id] = 0;
                    expiries[0]++;
                }
            });
        }
        int started = 0;
        for (long t = 1; t <= 5_000; t++) {
            clock[0] = t;
            for (int k = 0; k < 4; k++) {
                int i = random.nextInt(n);
                if (random.nextInt(4) == 0) {
                    ConnectionTimers.stop(all.get(i));
                    deadline[i] = 0;
                } else {
                    if (deadline[i] == 0) {
                        started++; // a timer restarted while it runs expires once, at its last deadline
                    }
                    timers.line(0).start(all.get(i), t);
                    deadline[i] = t + 1_000;
                }
            }
            timers.expireDue(t);
        }
        int stillDue = 0;
        for (int i = 0; i < n; i++) {
            stillDue += deadline[i] != 0 ? 1 : 0;
        }
        for (long t = 5_001; t <= 6_001; t++) {
            clock[0] = t;
            timers.expireDue(t);
        }
        assertThat(wrong).isEmpty();
        assertThat(stillDue).isPositive();
        assertThat(all).noneMatch(ConnectionTimers.Timer::pending);
        assertThat(deadline).containsOnly(0L);
        int stopped = started - expiries[0];
        assertThat(stopped).isPositive(); // some were stopped while running and never expired
    }

    @Test
    void onAnEventLoopTheEarliestDeadlineWakesItEvenWhenALaterOneCameFirst() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try {
            ConnectionTimers timers = new ConnectionTimers(loop, System::nanoTime,
                    TimeUnit.SECONDS.toNanos(30), TimeUnit.MILLISECONDS.toNanos(50));
            CompletableFuture<Long> shortOne = new CompletableFuture<>();
            CompletableFuture<Long> longOne = new CompletableFuture<>();
            long started = System.nanoTime();
            loop.submit(() -> {
                timers.line(0).start(new ConnectionTimers.Timer() { // the wake-up is armed for 30 s
                    @Override
                    void expire() {
                        longOne.complete(System.nanoTime());
                    }
                });
                timers.line(1).start(new ConnectionTimers.Timer() { // and must be brought forward
                    @Override
                    void expire() {
                        shortOne.complete(System.nanoTime());
                    }
                });
            }).sync();
            long after = shortOne.get(10, TimeUnit.SECONDS) - started;
            assertThat(Duration.ofNanos(after)).isBetween(Duration.ofMillis(50), Duration.ofSeconds(5));
            assertThat(longOne).isNotDone();
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
