package io.lvs4j.scheduler.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What {@code lblc} and {@code lblcr} share: the destination cache, the destination list and IPVS's overload test. */
final class Locality {

    /** IPVS's default {@code lblc_expiration} and {@code lblcr_expiration}: 24 hours. */
    static final int DEFAULT_EXPIRATION_SECONDS = 24 * 60 * 60;
    /** IPVS's table bound: 1024 buckets × 16. */
    static final int DEFAULT_CACHE_SIZE = 1024 * 16;

    private Locality() {
    }

    /**
     * The destination list with an index by address. The caches keep real servers through their removal, as the
     * kernel's entries keep a reference to a destination that went to the trash; a cached server is in service (the
     * kernel's {@code IP_VS_DEST_F_AVAILABLE}) while a server of its address is listed, and that listed server is the
     * one to use, as the kernel revives the same destination when a removed server is added back.
     */
    static final class Table {
        static final Table EMPTY = new Table(Members.EMPTY);

        final Members members;
        private final Map<RealServer, RealServer> byAddress;

        Table(Members members) {
            this.members = members;
            this.byAddress = new HashMap<>(members.servers.length * 2);
            for (RealServer rs : members.servers) {
                byAddress.put(rs, rs);
            }
        }

        /** The listed server with the address of {@code rs}, or {@code null} when it is out of service. */
        @Nullable RealServer inService(RealServer rs) {
            return byAddress.get(rs);
        }
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

    /**
     * What lblc's cache hit asks of a listed server besides {@link #isOverloaded}: weight above 0 (the kernel's
     * test), and none of lvs4j's own exclusions (DOWN, ejected, draining), which have no kernel equivalent. The
     * threshold overload flag is not consulted, as in the kernel.
     */
    static boolean servable(RealServer rs) {
        return rs.weight() > 0 && counts(rs);
    }

    /** Not DOWN, ejected or draining: lvs4j's states that IPVS expresses by removal or weight 0. */
    private static boolean counts(RealServer rs) {
        return rs.state() == RealServerState.UP && !rs.isEjected() && !rs.isDraining();
    }

    /**
     * IPVS's {@code is_overloaded} for the locality schedulers: {@code dest} has more active connections than its
     * weight while some listed server has fewer than half its weight. Ejected and draining servers do not count, as
     * removed or quiescent destinations do not in the kernel.
     */
    static boolean isOverloaded(RealServer dest, Members members) {
        if (dest.activeConnections() > dest.weight()) {
            for (RealServer d : members.servers) {
                if ((long) d.activeConnections() * 2 < d.weight() && counts(d)) {
                    return true;
                }
            }
        }
        return false;
    }
}
