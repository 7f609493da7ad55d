package io.lvs4j.scheduler.internal;

import com.github.benmanes.caffeine.cache.Cache;
import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.net.InetAddress;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code lblc}: a flow's destination address maps to the real server it was last sent to; the mapping holds
 * while that server is available and not overloaded (more active connections than its weight while another server
 * has fewer than half its weight), otherwise the flow is rescheduled by {@code wlc} and the mapping replaced.
 * Mappings idle for {@code expiration-seconds} (default 24 h) expire; at most {@code cache-size} (default 16384) are
 * kept.
 *
 * <p>In a full proxy every flow's destination is the virtual address, so all flows share one mapping: {@code lblc}
 * then behaves as "stay on one server until it is overloaded", as IPVS would for a single destination.
 */
final class LocalityBasedLeastConnection extends ScanScheduler {

    private final Cache<InetAddress, RealServer> cache;

    LocalityBasedLeastConnection(SchedulerConfig config) {
        super("lblc", config);
        this.cache = Locality.cache(config, Locality.expirationNanos(config));
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Members m = table();
        InetAddress key = flow.destination().getAddress();
        RealServer dest = cache.getIfPresent(key);
        if (dest != null && dest.isAvailable() && !Locality.isOverloaded(dest, m)) {
            return dest;
        }
        dest = m.leastLoaded(false);
        if (dest != null) {
            cache.put(key, dest);
        }
        return dest;
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    /** Drops mappings to servers that left the list, as the kernel's destinations leave the service. */
    @Override
    void onBuild(RealServer[] servers) {
        Set<RealServer> present = Locality.present(servers);
        cache.asMap().values().removeIf(rs -> !present.contains(rs));
    }
}
