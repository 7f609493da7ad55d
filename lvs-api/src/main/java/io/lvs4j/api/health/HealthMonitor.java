package io.lvs4j.api.health;

import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.CheckCompleted;
import java.util.function.Consumer;

/**
 * Runs health checks on the real servers of virtual services and drives their {@link io.lvs4j.api.RealServerState}
 * (or weight, with inhibit-on-failure), and tracks each service's quorum.
 *
 * <p>The director calls {@link #watch} for each virtual service it serves and {@link #unwatch} when it removes one;
 * state changes reach the scheduler through the real servers' own events. Implementations are thread-safe.
 */
public interface HealthMonitor extends AutoCloseable {

    /** Starts checking the real servers of {@code service}; replaces an earlier watch of the same service. */
    void watch(VirtualService service);

    /** Stops checking the real servers of {@code service}. */
    void unwatch(VirtualService service);

    /**
     * Whether the live weight of {@code service} meets its quorum. A service that is not watched has its quorum.
     */
    boolean hasQuorum(VirtualService service);

    /** Registers a listener for health events; it runs on a monitor thread and must not block. */
    Registration onEvent(Consumer<? super HealthEvent> listener);

    /**
     * Registers a listener for every completed check ({@link CheckCompleted}: passed or failed, latency, cause); it
     * runs on the thread that completed the check (often an event loop) and must not block. A monitor makes no
     * events while nobody listens. The default implementation publishes nothing and returns a registration that does
     * nothing: a monitor that does not time its checks need not pretend to.
     */
    default Registration onCheck(Consumer<? super CheckCompleted> listener) {
        return () -> { };
    }

    /** Stops every check. Never throws. */
    @Override
    void close();
}
