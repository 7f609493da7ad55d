package io.lvs4j.api.scheduler;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Picks a real server for each new flow of one virtual service.
 *
 * <p>Implementations publish an immutable picker (tables, sequences) built from the real servers last given to
 * {@link #update}, and pick from it without locking. {@link #pick} is called on event-loop threads, concurrently, and
 * must neither block nor allocate. {@link #update} may be called from any thread at any time.
 */
public interface Scheduler extends AutoCloseable {

    /** The IPVS name of this scheduler, e.g. {@code wlc}. */
    String name();

    /**
     * Replaces the set of real servers and publishes a new picker. Call it when membership changes and when a real
     * server's weight or state changes. The list is copied; its order does not change hash tables.
     */
    void update(List<RealServer> realServers);

    /**
     * Picks a real server for {@code flow}.
     *
     * @return the chosen real server, which is {@linkplain RealServer#isAvailable() available} at the time of the
     *     pick, or {@code null} when no real server is eligible; never throws for lack of servers
     */
    @Nullable RealServer pick(Flow flow);

    /** Releases caches and timers; the scheduler must not be used afterwards. Never throws. */
    @Override
    default void close() {
    }
}
