package io.lvs4j.examples.cli;

import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.KeepalivedDirector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin endpoint across a hitless upgrade: the predecessor closes its endpoint as soon as the successor serves
 * (before it drains), and the successor, which starts its endpoint right after, retries the bind until then. The
 * admin port is thus refused for at most one retry period; the token file is the successor's from then on.
 */
final class AdminHandover {

    /** How long a successor retries binding the admin address: {@value} ms at most. */
    static final long RETRY_MILLIS = 10_000;
    /** Between two tries: {@value} ms. */
    static final long PERIOD_MILLIS = 20;

    private final AtomicBoolean handedOver = new AtomicBoolean();

    /**
     * Starts the endpoint; with {@code upgrading}, retries while its address is still taken (by the predecessor
     * about to close it).
     */
    static AdminServer start(Supplier<AdminServer> start, boolean upgrading) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(RETRY_MILLIS).toNanos();
        while (true) {
            try {
                return start.get();
            } catch (Exception e) { // Netty rethrows a bind failure's checked BindException as it is
                if (!upgrading || !isBindFailure(e) || System.nanoTime() - deadline > 0) {
                    if (e instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new UncheckedIOException(new IOException("cannot bind the admin endpoint: "
                            + e.getMessage(), e));
                }
            }
            Thread.sleep(PERIOD_MILLIS); // the CLI's main thread, before serving: no event loop waits on it
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Closes {@code endpoint} once a successor serves in {@code director}'s place. */
    void closeWhenSucceeded(KeepalivedDirector director, @Nullable AdminServer endpoint) {
        if (endpoint == null) {
            return;
        }
        director.successorServing().thenRun(() -> {
            handedOver.set(true);
            endpoint.close();
        });
    }

    /** Whether the successor has the admin address (and writes the token file): then leave both alone. */
    boolean handedOver() {
        return handedOver.get();
    }

    /**
     * At stop: closes {@code endpoint} and removes the {@code token} file written for it, unless a successor has
     * both (the token file is then the successor's).
     */
    void closeAtStop(@Nullable AdminServer endpoint, @Nullable Path token) {
        if (handedOver.get()) {
            return;
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (token != null) {
            try {
                Files.deleteIfExists(token);
            } catch (IOException e) {
                // the file is ours and stale; nothing else to do at exit
            }
        }
    }
}
