package io.lvs4j.scheduler.internal;

import com.github.benmanes.caffeine.cache.Cache;
import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code lblcr}: a flow's destination address maps to a <em>set</em> of real servers. A flow goes to the least
 * loaded member (wlc rule); if there is none or it is overloaded, a server chosen by wlc over the whole list joins
 * the set. When a set of more than one member has not changed for {@code expiration-seconds} (default 24 h), its
 * most loaded member leaves. Sets idle for the same time expire.
 */
final class LocalityBasedLeastConnectionReplication extends ScanScheduler {

    /** A destination's server set, newest member first as the kernel's list_add puts it. */
    static final class DestSet {
        private volatile RealServer[] members;
        private volatile long lastMod;

        DestSet(RealServer first, long now) {
            this.members = new RealServer[] {first};
            this.lastMod = now;
        }

        int size() {
            return members.length;
        }

        synchronized void insert(RealServer rs, long now) {
            RealServer[] m = members;
            for (RealServer x : m) {
                if (x == rs) {
                    return;
                }
            }
            RealServer[] grown = new RealServer[m.length + 1];
            grown[0] = rs;
            System.arraycopy(m, 0, grown, 1, m.length);
            members = grown;
            lastMod = now;
        }

        synchronized void erase(RealServer rs, long now) {
            RealServer[] m = members;
            for (int i = 0; i < m.length; i++) {
                if (m[i] == rs) {
                    RealServer[] shrunk = new RealServer[m.length - 1];
                    System.arraycopy(m, 0, shrunk, 0, i);
                    System.arraycopy(m, i + 1, shrunk, i, m.length - i - 1);
                    members = shrunk;
                    lastMod = now;
                    return;
                }
            }
        }

        synchronized void retainAll(Set<RealServer> present) {
            members = Arrays.stream(members).filter(present::contains).toArray(RealServer[]::new);
        }

        /** {@code ip_vs_dest_set_min}: least {@code overhead / weight} among available members. */
        @Nullable RealServer min() {
            RealServer least = null;
            long loh = 0;
            for (RealServer rs : members) {
                if (!rs.isAvailable()) {
                    continue;
                }
                long doh = rs.overhead();
                if (least == null || loh * rs.weight() > doh * least.weight()) {
                    least = rs;
                    loh = doh;
                }
            }
            return least;
        }

        /** {@code ip_vs_dest_set_max}: most {@code overhead / weight} among members with a weight. */
        @Nullable RealServer max() {
            RealServer most = null;
            long moh = 0;
            for (RealServer rs : members) {
                int w = rs.weight();
                if (w <= 0) {
                    continue;
                }
                long doh = rs.overhead();
                if (most == null || moh * w < doh * most.weight()) {
                    most = rs;
                    moh = doh;
                }
            }
            return most;
        }

        RealServer[] members() {
            return members;
        }
    }

    private final Cache<InetAddress, DestSet> cache;
    private final long expirationNanos;
    private final Ticker ticker;

    LocalityBasedLeastConnectionReplication(SchedulerConfig config) {
        super("lblcr", config);
        this.expirationNanos = Locality.expirationNanos(config);
        this.cache = Locality.cache(config, expirationNanos);
        this.ticker = config.ticker();
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Members m = table();
        InetAddress key = flow.destination().getAddress();
        DestSet set = cache.getIfPresent(key);
        if (set != null) {
            RealServer dest = set.min();
            if (set.size() > 1) {
                long now = ticker.read();
                if (now - set.lastMod > expirationNanos) {
                    synchronized (set) {
                        if (set.size() > 1) {
                            RealServer most = set.max();
                            if (most != null) {
                                set.erase(most, now);
                            }
                        }
                    }
                }
            }
            if (dest != null && !Locality.isOverloaded(dest, m)) {
                return dest;
            }
            dest = m.leastLoaded(false);
            if (dest != null) {
                set.insert(dest, ticker.read());
            }
            return dest;
        }
        RealServer dest = m.leastLoaded(false);
        if (dest != null) {
            cache.put(key, new DestSet(dest, ticker.read()));
        }
        return dest;
    }

    @Override
    void onBuild(RealServer[] servers) {
        Set<RealServer> present = Locality.present(servers);
        cache.asMap().values().forEach(set -> set.retainAll(present));
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
