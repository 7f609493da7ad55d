package io.lvs4j.scheduler.internal;

import com.github.benmanes.caffeine.cache.Cache;
import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code lblc} ({@code ip_vs_lblc.c}): a flow's destination address maps to the real server it was last sent
 * to. On a hit the cached server is returned while it is listed, its weight is above 0 and it is not overloaded in
 * lblc's own sense (more active connections than its weight while a listed server has fewer than half its weight);
 * the threshold overload flag is not consulted there. Otherwise {@code wlc} over the list (skipping flagged servers)
 * chooses and the mapping is replaced. As in the kernel, which has no add/del hooks for lblc, a mapping outlives its
 * server's removal and holds again when a server of that address returns. Unlike the kernel, a DOWN, ejected or
 * draining server is never returned; mappings idle for {@code expiration-seconds} (default 24 h) are dropped at
 * once, and at most {@code cache-size} (default 16384) are kept.
 *
 * <p>In a full proxy every flow's destination is the virtual address, so all flows share one mapping: {@code lblc}
 * then behaves as "stay on one server until it is overloaded", as IPVS would for a single destination.
 */
final class LocalityBasedLeastConnection extends BaseScheduler<Locality.Table> {

    private final Cache<InetAddress, RealServer> cache;

    LocalityBasedLeastConnection(SchedulerConfig config) {
        super("lblc", config, Locality.Table.EMPTY);
        this.cache = Locality.cache(config, Locality.expirationNanos(config));
    }

    @Override
    protected Locality.Table build(RealServer[] servers, int[] weights, Locality.Table previous) {
        return new Locality.Table(new Members(servers, weights));
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Locality.Table t = table();
        InetAddress key = flow.destination().getAddress();
        RealServer cached = cache.getIfPresent(key);
        if (cached != null) {
            RealServer dest = t.inService(cached);
            if (dest != null && Locality.servable(dest) && !Locality.isOverloaded(dest, t.members)) {
                return dest;
            }
        }
        RealServer dest = t.members.leastLoaded();
        if (dest != null) {
            cache.put(key, dest);
        }
        return dest;
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    /** How many destinations the cache holds now. */
    long cachedDestinations() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
