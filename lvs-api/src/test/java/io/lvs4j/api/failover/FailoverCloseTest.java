package io.lvs4j.api.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.lvs4j.api.Registration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The default {@link Failover#close()}: stop, wait a bounded time, keep an interrupt, never throw. */
class FailoverCloseTest {

    /** A failover whose only behaviour is {@code stop()}, which counts its calls. */
    private static final class Stopping implements Failover {
        final AtomicInteger stops = new AtomicInteger();
        private final Supplier<CompletionStage<Void>> stop;

        Stopping(Supplier<CompletionStage<Void>> stop) {
            this.stop = stop;
        }

        @Override
        public Role role() {
            return Role.INIT;
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public CompletionStage<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stop() {
            stops.incrementAndGet();
            return stop.get();
        }

        @Override
        public Registration onRoleChange(Consumer<? super RoleChange> listener) {
            return () -> { };
        }
    }

    @Test
    void closeStopsAndWaitsUntilTheStopHasCompleted() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Stopping failover = new Stopping(() -> {
            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> stopped.complete(null));
            return stopped;
        });
        failover.close();
        assertThat(stopped).as("close() returned before the stop completed").isDone();
        assertThat(failover.stops).hasValue(1);
    }

    @Test
    void aStopThatFailsOrThrowsIsLoggedNotThrown() {
        Stopping failing = new Stopping(() -> CompletableFuture.failedFuture(new IllegalStateException("socket gone")));
        assertThatCode(failing::close).doesNotThrowAnyException();
        Stopping throwing = new Stopping(() -> {
            throw new IllegalStateException("cannot stop");
        });
        assertThatCode(throwing::close).doesNotThrowAnyException();
        assertThat(failing.stops).hasValue(1);
        assertThat(throwing.stops).hasValue(1);
    }

    @Test
    void anInterruptEndsTheWaitAtOnceAndStaysSet() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        Stopping failover = new Stopping(() -> never);
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        failover.close();
        boolean interrupted = Thread.interrupted(); // clears it for the other tests
        assertThat(interrupted).as("an interrupt while close() waits stays set").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Failover.CLOSE_TIMEOUT);
        assertThat(failover.stops).as("the stop was asked for anyway").hasValue(1);
    }
}
