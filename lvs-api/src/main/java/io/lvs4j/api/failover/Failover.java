package io.lvs4j.api.failover;

import io.lvs4j.api.Registration;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A failover protocol instance: one director's membership in a group that keeps exactly one director
 * {@link Role#MASTER}.
 *
 * <p>Listeners registered with {@link #onRoleChange} learn every change; a director binds its virtual services (or
 * moves the virtual IP) when it becomes master and releases them when it leaves that role. Implementations are
 * thread-safe; listeners run on a protocol thread and must not block.
 *
 * <p>Priorities follow VRRP: {@value #PRIORITY_MIN}..{@value #PRIORITY_MAX} for ordinary nodes (default
 * {@value #PRIORITY_DEFAULT}), {@value #PRIORITY_OWNER} for the address owner, and {@value #PRIORITY_RESIGN} sent by a
 * master that is stopping so that a backup takes over at once.
 */
public interface Failover extends AutoCloseable {

    /** Sent by a master that resigns: {@value}. */
    int PRIORITY_RESIGN = 0;
    /** The lowest priority of an ordinary node: {@value}. */
    int PRIORITY_MIN = 1;
    /** The default priority: {@value}. */
    int PRIORITY_DEFAULT = 100;
    /** The highest priority of an ordinary node: {@value}. */
    int PRIORITY_MAX = 254;
    /** The priority of the node that owns the virtual address; it becomes master at once: {@value}. */
    int PRIORITY_OWNER = 255;

    /** The longest the default {@link #close()} waits for {@link #stop()} to complete: 10 s. */
    Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The current role. */
    Role role();

    /** The current effective priority (after tracking adjustments), or 0 if the protocol has none. */
    int priority();

    /** Joins the group. The stage completes when the node has entered its first role after {@link Role#INIT}. */
    CompletionStage<Void> start();

    /**
     * Leaves the group gracefully: a master resigns so that a backup takes over without waiting for a timeout. The
     * stage completes when the node has stopped.
     */
    CompletionStage<Void> stop();

    /** Registers a listener for role changes. */
    Registration onRoleChange(Consumer<? super RoleChange> listener);

    /**
     * Replicates {@code sync}'s state from the master to the backups, if this protocol can carry state (the built-in
     * VRRP-style failover does, in its adverts); one that cannot ignores it. A {@code Director} registers its
     * persistence templates here.
     */
    default Registration replicate(StateSync sync) {
        return () -> { };
    }

    /**
     * The part of this failover that a hitless upgrade hands to a successor process ({@code DirectorBuilder
     * .handoverSocket}), or null (the default) when it cannot be handed over. The built-in VRRP-style failover returns
     * one.
     */
    default @Nullable FailoverHandover handover() {
        return null;
    }

    /**
     * Stops as {@link #stop()} does and waits for it, at most {@link #CLOSE_TIMEOUT}. Interrupted while waiting, it
     * returns at once and leaves the thread's interrupt status set. Never throws: a stop that fails or does not complete
     * in time is logged at WARNING ({@link System.Logger} {@code io.lvs4j.api.failover.Failover}). Both built-in
     * failovers close this way; an implementation that overrides it documents its own bound.
     */
    @Override
    default void close() {
        try {
            stop().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            System.getLogger(Failover.class.getName())
                    .log(System.Logger.Level.WARNING, "failover " + this + " did not stop cleanly", e);
        }
    }
}
