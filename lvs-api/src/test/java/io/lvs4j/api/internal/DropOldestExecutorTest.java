package io.lvs4j.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DropOldestExecutorTest {

    private record Task(String name, List<String> ran) implements Runnable {
        @Override
        public void run() {
            ran.add(name);
        }
    }

    @Test
    void aCapacityBelowOneIsRefusedNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DropOldestExecutor("t", 0, () -> 0, (r, n) -> { }))
                .withMessage("capacity must be >= 1 but was 0");
    }

    @Test
    void aFullQueueDropsTheOldestKeepsTheNewestAndTellsAtMostOnceAMinute() throws Exception {
        AtomicLong nanos = new AtomicLong();
        List<String> told = new ArrayList<>(); // the listener runs on this thread, the one that queues
        List<String> ran = new CopyOnWriteArrayList<>();
        DropOldestExecutor executor = new DropOldestExecutor("lvs4j-test-drop", 2, nanos::get,
                (oldest, dropped) -> told.add(((Task) oldest).name() + "#" + dropped));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        for (String name : List.of("a", "b", "c", "d", "e")) { // a and b fit; c drops a, d drops b, e drops c
            executor.execute(new Task(name, ran));
        }
        assertThat(executor.dropped()).isEqualTo(3);
        assertThat(told).containsExactly("a#1"); // the later drops fell within the minute
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        executor.execute(new Task("f", ran)); // drops d
        assertThat(told).containsExactly("a#1", "d#4");
        assertThat(executor.warnings()).isEqualTo(2);
        release.countDown();
        executor.shutdown();
        executor.execute(new Task("late", ran)); // after shutdown: neither run nor counted, and no exception
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("e", "f");
        assertThat(executor.dropped()).isEqualTo(4);
    }
}
