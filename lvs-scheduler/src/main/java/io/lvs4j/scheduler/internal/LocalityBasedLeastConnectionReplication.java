package io.lvs4j.scheduler.internal;

import com.github.benmanes.caffeine.cache.Cache;
import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code lblcr} ({@code ip_vs_lblcr.c}): a flow's destination address maps to a <em>set</em> of real servers. A
 * flow goes to the member with the least {@code overhead / weight} among those listed, above weight 0 and not
 * flagged overloaded; if there is none, or it is overloaded in lblc's sense, a server chosen by {@code wlc} over the
 * whole list joins the set. When a set of more than one member has not changed for {@code expiration-seconds}
 * (default 24 h), its member with the most {@code overhead / weight} among those above weight 0, listed or not,
 * leaves. That is the only way out of a set: as in the kernel, a member stays through its server's removal and is
 * used again when a server of that address returns. Unlike the kernel, a DOWN, ejected or draining member is never
 * returned; sets idle for the expiration are dropped at once, and at most {@code cache-size} are kept.
 */
final class LocalityBasedLeastConnectionReplication extends BaseScheduler<Locality.Table> {

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

        /** {@code ip_vs_dest_set_insert} with its check: a server of the same address is not added twice. */
        synchronized void insert(RealServer rs, long now) {
            RealServer[] m = members;
            for (RealServer x : m) {
                if (x.equals(rs)) {
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

        /**
         * {@code ip_vs_dest_set_min}: least {@code overhead / weight} among the members that are listed and
         * available (weight above 0, not flagged overloaded, and not DOWN, ejected or draining); the listed server
         * is returned.
         */
        @Nullable RealServer min(Locality.Table t) {
            RealServer least = null;
            long loh = 0;
            for (RealServer member : members) {
                RealServer rs = t.inService(member);
                if (rs == null || !rs.isAvailable()) {
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

        /**
         * {@code ip_vs_dest_set_max}: most {@code overhead / weight} among the members above weight 0, whether
         * listed or not (the kernel does not check availability here); the member itself is returned.
         */
        @Nullable RealServer max(Locality.Table t) {
            RealServer most = null;
            long moh = 0;
            int mw = 0;
            for (RealServer member : members) {
                RealServer listed = t.inService(member);
                RealServer rs = listed != null ? listed : member;
                int w = rs.weight();
                if (w <= 0) {
                    continue;
                }
                long doh = rs.overhead();
                if (most == null || moh * w < doh * mw) {
                    most = member;
                    moh = doh;
                    mw = w;
                }
            }
            return most;
        }
    }

    private final Cache<InetAddress, DestSet> cache;
    private final long expirationNanos;
    private final Ticker ticker;

    LocalityBasedLeastConnectionReplication(SchedulerConfig config) {
        super("lblcr", config, Locality.Table.EMPTY);
        this.expirationNanos = Locality.expirationNanos(config);
        this.cache = Locality.cache(config, expirationNanos);
        this.ticker = config.ticker();
    }

    @Override
    protected Locality.Table build(RealServer[] servers, int[] weights, Locality.Table previous) {
        return new Locality.Table(new Members(servers, weights));
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Locality.Table t = table();
        InetAddress key = flow.destination().getAddress();
        DestSet set = cache.getIfPresent(key);
        if (set != null) {
            RealServer dest = set.min(t);
            if (set.size() > 1) {
                long now = ticker.read();
                if (now - set.lastMod > expirationNanos) {
                    synchronized (set) {
                        if (set.size() > 1) {
                            RealServer most = set.max(t);
                            if (most != null) {
                                set.erase(most, now);
                            }
                        }
                    }
                }
            }
            if (dest != null && !Locality.isOverloaded(dest, t.members)) {
                return dest;
            }
            dest = t.members.leastLoaded();
            if (dest != null) {
                set.insert(dest, ticker.read());
            }
            return dest;
        }
        RealServer dest = t.members.leastLoaded();
        if (dest != null) {
            cache.put(key, new DestSet(dest, ticker.read()));
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
