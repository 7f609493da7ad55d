package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A flapping failover cannot queue role changes without bound behind a slow notify command. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotifyQueueTest {

    /** A failover whose role changes the test fires by hand. */
    static final class Flapping implements Failover {
        final List<Consumer<? super RoleChange>> listeners = new CopyOnWriteArrayList<>();
        long epoch;

        void change(Role from, Role to) {
            RoleChange c = new RoleChange(from, to, ++epoch, "change " + epoch);
            listeners.forEach(l -> l.accept(c));
        }

        @Override
        public Role role() {
            return Role.BACKUP;
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public CompletionStage<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stop() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Registration onRoleChange(Consumer<? super RoleChange> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
        }
    }

    /** An action that holds the first change until released, recording every epoch it sees. */
    static final class Slow implements TakeoverAction {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void roleChanged(RoleChange change) throws InterruptedException {
            seen.add(change.epoch());
            started.countDown();
            release.await();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void aFloodOfRoleChangesBehindASlowCommandIsBoundedAndTheNewestIsKept() throws Exception {
        Flapping failover = new Flapping();
        Slow action = new Slow();
        Registration attached = TakeoverActions.attach(failover, action);
        failover.change(Role.INIT, Role.BACKUP);
        assertThat(action.started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10_000; i++) {
            failover.change(i % 2 == 0 ? Role.BACKUP : Role.MASTER, i % 2 == 0 ? Role.MASTER : Role.BACKUP);
        }
        action.release.countDown();
        // the running one, then the newest that fit; the last change (epoch 10001) is never the one dropped
        await().atMost(Duration.ofSeconds(10)).until(() -> action.seen.contains(10_001L));
        assertThat(action.seen).hasSize(1 + TakeoverActions.NOTIFY_QUEUE_CAPACITY).startsWith(1L).endsWith(10_001L)
                .isSorted();
        attached.close();
        await().atMost(Duration.ofSeconds(10)).untilTrue(action.closed);
    }

    @Test
    void dropsAreCountedAndWarnedAboutAtMostOnceAMinute() throws Exception {
        Flapping failover = new Flapping();
        Slow action = new Slow();
        AtomicLong now = new AtomicLong();
        NotifyQueue attached = TakeoverActions.attach(failover, 2, now::get, action);
        failover.change(Role.INIT, Role.BACKUP);
        assertThat(action.started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100; i++) {
            failover.change(Role.BACKUP, Role.MASTER);
        }
        assertThat(attached.dropped()).isEqualTo(98);
        assertThat(attached.warnings()).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        failover.change(Role.MASTER, Role.BACKUP);
        assertThat(attached.warnings()).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        failover.change(Role.BACKUP, Role.MASTER);
        assertThat(attached.dropped()).isEqualTo(100);
        assertThat(attached.warnings()).isEqualTo(2);
        action.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> action.seen.size() == 3);
        assertThat(action.seen).containsExactly(1L, 102L, 103L);
        attached.close();
        await().atMost(Duration.ofSeconds(10)).untilTrue(action.closed);
        // after close nothing more is queued or run
        failover.change(Role.MASTER, Role.BACKUP);
        assertThat(failover.listeners).isEmpty();
        assertThat(action.seen).hasSize(3);
    }
}
