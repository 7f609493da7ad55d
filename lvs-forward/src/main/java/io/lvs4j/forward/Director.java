package io.lvs4j.forward;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.ServingEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A load-balancing director: the virtual services it serves, their schedulers and the forwarding engine, with an
 * optional health monitor and failover protocol (both through {@code lvs-api} interfaces).
 *
 * <p>Lifecycle: {@link #start()} binds the virtual services (or, with a failover protocol, waits to become master),
 * {@link #stop(Duration)} stops accepting and lets established connections finish until the deadline. Virtual
 * services and real servers can be added, removed and reweighted while the director runs, without touching
 * established connections. Thread-safe.
 */
public interface Director extends AutoCloseable {

    /** Starts a builder. */
    static DirectorBuilder builder() {
        return new DirectorBuilder();
    }

    /**
     * Binds every virtual service (unless a failover protocol holds the director in BACKUP) and starts the statistics
     * estimator. The stage fails if a listener cannot be bound.
     */
    CompletionStage<Void> start();

    /**
     * Stops accepting, waits up to {@code grace} for established TCP connections to end, then closes what remains and
     * releases the event loops. UDP flows are not waited for: with their listener closed no reply could reach their
     * clients, so they are dropped.
     */
    CompletionStage<Void> stop(Duration grace);

    /**
     * Completes once a successor took this director's listeners (see {@link DirectorBuilder#handoverSocket}) and this
     * director has drained and stopped: the moment a process that embeds it can exit. Never completes otherwise.
     */
    CompletionStage<Void> handedOver();

    /**
     * Completes once a successor serves on this director's listeners (see {@link DirectorBuilder#handoverSocket}),
     * before this director drains: the moment a process that embeds it lets go of what else it holds alone (an admin
     * port, say) for the successor to take. Never completes otherwise.
     */
    default CompletionStage<Void> successorServing() {
        return new java.util.concurrent.CompletableFuture<Void>().minimalCompletionStage();
    }

    /** {@link #stop(Duration)} with a 10 s grace, waited for. Never throws. */
    @Override
    void close();

    /** Whether the listeners are bound (the director is serving). */
    boolean isServing();

    /**
     * Calls {@code listener} with a {@link ServingEvent} each time the director starts or stops serving: serving once
     * every virtual service's listener is bound (at start, or on becoming failover master: the moment of the takeover,
     * as keepalived adding the virtual address), not serving when they are let go. Called on a director or failover
     * thread; keep it short and do not block.
     */
    Registration onServingChange(Consumer<? super ServingEvent> listener);

    /** The virtual services, as last configured. */
    List<VirtualService> virtualServices();

    /**
     * Adds a virtual service (binding it if the director is serving), or replaces the one with the same protocol and
     * address: changed settings apply to new connections, and established connections continue. The stage fails,
     * and nothing changed, when the service's scheduler cannot be built; it fails when the new service cannot be bound
     * (its address is taken, say), and the service then stays listed, unbound, until {@link #removeVirtualService}.
     */
    CompletionStage<Void> putVirtualService(VirtualService service);

    /** Removes a virtual service: its listener closes, established connections continue until they end. */
    CompletionStage<Void> removeVirtualService(VirtualService service);

    /** Adds a real server to the virtual service at {@code service}'s protocol and address. */
    void addRealServer(VirtualService service, RealServer realServer);

    /**
     * Removes a real server from a virtual service. New connections stop at once; established ones continue, or are
     * closed when {@code closeConnections} is set.
     */
    void removeRealServer(VirtualService service, InetSocketAddress realServer, boolean closeConnections);

    /**
     * Closes every established connection to {@code realServer} in {@code service} (keepalived's
     * {@code inhibit_on_failure} off, or an operator's "shutdown sessions").
     *
     * @return the number of connections closed
     */
    int closeConnections(VirtualService service, InetSocketAddress realServer);

    /**
     * The address a virtual service's listener is bound to, or {@code null} when it is not bound.
     */
    @Nullable InetSocketAddress boundAddress(VirtualService service);

    /** Statistics of every virtual service and its real servers, with IPVS-style rates. */
    List<ServiceStatistics> statistics();
}
