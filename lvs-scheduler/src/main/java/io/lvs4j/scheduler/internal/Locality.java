package io.lvs4j.scheduler.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.time.Duration;

/** What {@code lblc} and {@code lblcr} share: the destination cache and IPVS's overload test. */
final class Locality {

    /** IPVS's default {@code lblc_expiration} and {@code lblcr_expiration}: 24 hours. */
    static final int DEFAULT_EXPIRATION_SECONDS = 24 * 60 * 60;
    /** IPVS's table bound: 1024 buckets × 16. */
    static final int DEFAULT_CACHE_SIZE = 1024 * 16;

    private Locality() {
    }

    static long expirationNanos(SchedulerConfig config) {
        int seconds = config.intOption("expiration-seconds", DEFAULT_EXPIRATION_SECONDS);
        if (seconds < 1) {
            throw new IllegalArgumentException("scheduler option expiration-seconds must be >= 1 but was " + seconds);
        }
        return Duration.ofSeconds(seconds).toNanos();
    }

    /** A bounded cache whose idle entries expire, on the scheduler's ticker, maintained on the calling thread. */
    static <K, V> Cache<K, V> cache(SchedulerConfig config, long expireAfterAccessNanos) {
        int size = config.intOption("cache-size", DEFAULT_CACHE_SIZE);
        if (size < 1) {
            throw new IllegalArgumentException("scheduler option cache-size must be >= 1 but was " + size);
        }
        Ticker ticker = config.ticker();
        return Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfterAccess(Duration.ofNanos(expireAfterAccessNanos))
                .ticker(ticker::read)
                .executor(Runnable::run)
                .build();
    }

    /** The servers of a new destination list, by identity: what the caches may keep pointing at. */
    static java.util.Set<RealServer> present(RealServer[] servers) {
        java.util.Set<RealServer> present = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Collections.addAll(present, servers);
        return present;
    }

    /**
     * IPVS's {@code is_overloaded} for the locality schedulers: {@code dest} has more active connections than its
     * weight while some server of the list has fewer than half its weight.
     */
    static boolean isOverloaded(RealServer dest, Members members) {
        if (dest.activeConnections() > dest.weight()) {
            for (RealServer d : members.servers) {
                if ((long) d.activeConnections() * 2 < d.weight()) {
                    return true;
                }
            }
        }
        return false;
    }
}
