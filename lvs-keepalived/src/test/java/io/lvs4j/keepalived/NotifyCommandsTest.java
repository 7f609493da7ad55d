package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A flapping real server behind a slow notify command cannot grow the queue: the oldest waiting command goes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotifyCommandsTest {

    @Test
    void aFullQueueDropsTheOldestRunsTheNewestAndWarnsOnceAMinute() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        AtomicLong nanos = new AtomicLong();
        NotifyCommands commands = new NotifyCommands(4, nanos::get, command -> {
            firstRunning.countDown();
            release.await();
            ran.add(command.get(1));
        });
        commands.submit(List.of("notify", "0"));
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue(); // "0" runs and blocks; the rest wait
        for (int i = 1; i <= 10_000; i++) {
            commands.submit(List.of("notify", Integer.toString(i)));
            if (i == 5_000) {
                nanos.addAndGet(Duration.ofMinutes(2).toNanos()); // a second WARN is due only after a minute
            }
        }
        assertThat(commands.dropped()).isEqualTo(10_000 - 4);
        assertThat(commands.warnings()).isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 5);
        assertThat(ran).containsExactly("0", "9997", "9998", "9999", "10000");
        commands.shutdown();
        commands.submit(List.of("notify", "late"));
        assertThat(ran).hasSize(5);
    }
}
