package io.lvs4j.scheduler.internal;

import static io.lvs4j.scheduler.Fixtures.flow;
import static io.lvs4j.scheduler.Fixtures.ip;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.scheduler.Fixtures.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lblc} and {@code lblcr} against the kernel's rules (net/netfilter/ipvs/ip_vs_lblc.c, ip_vs_lblcr.c): hand-made
 * cases worked out from the code, and random sequences of membership, weight, state, load, time and picks checked
 * pick by pick against {@link KernelModel}, a test oracle written from the same rules.
 */
class KernelLocalityTest {

    private static final long EXPIRATION = Duration.ofSeconds(10).toNanos();

    private final FakeTicker ticker = new FakeTicker();

    private Scheduler create(String name) {
        return Schedulers.create(name, SchedulerConfig.builder().ticker(ticker).option("expiration-seconds", "10")
                .build());
    }

    private static Flow to(int destination) {
        return Flow.tcp(flow(0x0a000009, 40000).client(), new InetSocketAddress(ip(10, 0, 0, destination), 80));
    }

    private static void connect(RealServer rs, int active) {
        for (int i = 0; i < active; i++) {
            RealServerEngine.connectionOpened(rs);
        }
    }

    // ---- lblc ----

    @Test
    void lblcKeepsTheMappingThroughItsServersRemovalAndReturn() {
        List<RealServer> list = servers(1, 1);
        RealServer a = list.get(0);
        RealServer b = list.get(1);
        Scheduler lblc = create("lblc");
        lblc.update(list);
        assertThat(lblc.pick(to(1))).isSameAs(a); // wlc tie: the first
        lblc.update(List.of(b)); // A leaves the service: the kernel has no del_dest hook, the entry stays
        lblc.update(list); // and comes back (the same destination, revived from the trash)
        connect(a, 1); // wlc would now take B (0 < 256), but A is not overloaded: 1 active is not above weight 1
        assertThat(lblc.pick(to(1))).isSameAs(a);
    }

    @Test
    void lblcReturnsTheCachedServerWhenItCameBackAsANewObjectWithTheSameAddress() {
        List<RealServer> list = servers(1, 1);
        RealServer b = list.get(1);
        Scheduler lblc = create("lblc");
        lblc.update(list);
        assertThat(lblc.pick(to(1))).isSameAs(list.get(0));
        RealServer again = RealServer.builder(list.get(0).address()).weight(1).build(); // a reload builds anew
        lblc.update(List.of(b, again));
        connect(again, 1);
        assertThat(lblc.pick(to(1))).isSameAs(again);
    }

    @Test
    void lblcOnACacheHitIgnoresTheThresholdOverloadFlagAndUsesItsOwnIsOverloaded() {
        RealServer a = RealServer.builder(new InetSocketAddress(ip(10, 1, 0, 1), 80)).weight(2).upperThreshold(1)
                .build();
        RealServer b = RealServer.builder(new InetSocketAddress(ip(10, 1, 0, 2), 80)).weight(1).build();
        Scheduler lblc = create("lblc");
        lblc.update(List.of(a, b));
        assertThat(lblc.pick(to(1))).isSameAs(a);
        connect(a, 1);
        assertThat(a.isOverloaded()).isTrue(); // the threshold flag: 1 >= upper 1
        assertThat(lblc.pick(to(1))).isSameAs(a); // is_overloaded: active 1 is not above weight 2
        assertThat(lblc.pick(to(2))).isSameAs(b); // a new destination: wlc skips the flagged server
        connect(a, 2); // active 3 > weight 2 while B (0 × 2 < 1) is half idle: lblc's own overload
        assertThat(lblc.pick(to(1))).isSameAs(b);
    }

    @Test
    void lblcReschedulesAQuiescentOrDownCachedServer() {
        List<RealServer> list = servers(1, 1, 1);
        Scheduler lblc = create("lblc");
        lblc.update(list);
        assertThat(lblc.pick(to(1))).isSameAs(list.get(0));
        list.get(0).setWeight(0);
        lblc.update(list);
        assertThat(lblc.pick(to(1))).isSameAs(list.get(1));
        list.get(1).setState(RealServerState.DOWN); // before any update: DOWN is never returned
        assertThat(lblc.pick(to(1))).isSameAs(list.get(2));
    }

    /** Deviation: lvs4j's ejected and draining states have no kernel equivalent; such a server is never returned. */
    @ParameterizedTest
    @ValueSource(strings = {"lblc", "lblcr"})
    void anEjectedOrDrainingServerIsNeverReturned(String name) {
        List<RealServer> list = servers(1, 1, 1);
        Scheduler s = create(name);
        s.update(list);
        assertThat(s.pick(to(1))).isSameAs(list.get(0));
        RealServerEngine.setDraining(list.get(0), true); // no update: a drain or an ejection republishes nothing
        assertThat(s.pick(to(1))).isSameAs(list.get(1));
        RealServerEngine.setEjected(list.get(1), true);
        assertThat(s.pick(to(1))).isSameAs(list.get(2));
    }

    /**
     * Deviation: in is_overloaded, an ejected or draining server does not count as one with fewer than half its weight
     * in active connections, as a removed or weight-0 destination does not in the kernel.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lblc", "lblcr"})
    void aDrainingServerDoesNotMakeTheCachedServerOverloaded(String name) {
        List<RealServer> list = servers(1, 1, 1);
        Scheduler s = create(name);
        s.update(list);
        assertThat(s.pick(to(1))).isSameAs(list.get(0));
        connect(list.get(0), 2); // 2 active > weight 1
        connect(list.get(2), 1); // C: 1 × 2 is not below 1
        RealServerEngine.setDraining(list.get(1), true); // B is idle, but takes no new connection
        assertThat(s.pick(to(1))).isSameAs(list.get(0)); // counted, B would make A overloaded and wlc choose C
        RealServerEngine.setDraining(list.get(1), false);
        assertThat(s.pick(to(1))).isSameAs(list.get(1));
    }

    /**
     * Deviation: an idle mapping is forgotten exactly {@code expiration-seconds} after its last use; the kernel drops
     * it at its next full sweep (every 30 minutes), so it may still be used for up to half an hour longer.
     */
    @Test
    void lblcForgetsAMappingExactlyWhenItHasBeenIdleForTheExpiration() {
        List<RealServer> list = servers(1, 1);
        Scheduler lblc = create("lblc");
        lblc.update(list);
        assertThat(lblc.pick(to(1))).isSameAs(list.get(0));
        connect(list.get(0), 1); // wlc now prefers B
        ticker.advance(Duration.ofNanos(EXPIRATION - 1));
        assertThat(lblc.pick(to(1))).isSameAs(list.get(0)); // a use restarts the idle time
        ticker.advance(Duration.ofNanos(EXPIRATION));
        assertThat(lblc.pick(to(1))).isSameAs(list.get(1));
    }

    /**
     * Deviation: {@code cache-size} is a hard bound (the kernel's 16384 is soft: over it, entries idle for six
     * minutes are collected once a minute), so a flood of destinations cannot grow the cache.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lblc", "lblcr"})
    void theCacheHoldsAtMostCacheSizeDestinations(String name) {
        Scheduler s = Schedulers.create(name, SchedulerConfig.builder().ticker(ticker).option("cache-size", "8")
                .build());
        s.update(servers(1, 1, 1));
        for (int d = 1; d <= 200; d++) {
            assertThat(s.pick(to(d))).isNotNull();
        }
        long cached = s instanceof LocalityBasedLeastConnection l ? l.cachedDestinations()
                : ((LocalityBasedLeastConnectionReplication) s).cachedDestinations();
        assertThat(cached).isBetween(1L, 8L);
    }

    // ---- lblcr ----

    @Test
    void lblcrMembersStayInTheSetThroughRemovalAndReturn() {
        List<RealServer> list = servers(1, 1, 4);
        RealServer a = list.get(0);
        RealServer b = list.get(1);
        RealServer c = list.get(2);
        Scheduler lblcr = create("lblcr");
        lblcr.update(list);
        assertThat(lblcr.pick(to(1))).isSameAs(a); // set {A}
        connect(a, 2); // 2 > 1 while B is idle: overloaded; wlc over all: B (first of the idle)
        assertThat(lblcr.pick(to(1))).isSameAs(b); // set {B, A}
        connect(b, 1);
        lblcr.update(List.of(a, c)); // B leaves the service, not the set
        lblcr.update(list); // and returns
        // set_min over {B, A}: B 256/1 < A 512/1, and B (1 active, weight 1) is not overloaded. Without B in the set,
        // A would be overloaded and wlc over all would bring in C (0/4).
        assertThat(lblcr.pick(to(1))).isSameAs(b);
    }

    @Test
    void lblcrSetMaxErasesTheMostLoadedMemberEvenWhenAnotherMemberIsOutOfService() {
        List<RealServer> list = servers(2, 1, 1);
        RealServer a = list.get(0);
        RealServer b = list.get(1);
        RealServer c = list.get(2);
        Scheduler lblcr = create("lblcr");
        lblcr.update(list);
        assertThat(lblcr.pick(to(1))).isSameAs(a);
        connect(a, 3); // 3 > 2 while B is idle
        assertThat(lblcr.pick(to(1))).isSameAs(b); // set {B, A}, last modified now
        RealServerEngine.connectionClosed(a, true);
        RealServerEngine.connectionClosed(a, true); // A: 1 active of weight 2, not overloaded
        lblcr.update(List.of(a, c)); // B leaves the service; it stays in the set
        ticker.advance(Duration.ofSeconds(6));
        assertThat(lblcr.pick(to(1))).isSameAs(a); // set_min skips B (not available); nothing expired yet
        ticker.advance(Duration.ofSeconds(5)); // 11 s since the set changed
        // set_min: A. The set expired: set_max over {B 0/1, A 256/2} (availability not checked) erases A -> {B}.
        assertThat(lblcr.pick(to(1))).isSameAs(a);
        // set_min over {B}: none available -> wlc over A (128) and C (0): C joins.
        assertThat(lblcr.pick(to(1))).isSameAs(c);
    }

    @Test
    void lblcrNeverReturnsADownMember() {
        List<RealServer> list = servers(1, 1);
        Scheduler lblcr = create("lblcr");
        lblcr.update(list);
        assertThat(lblcr.pick(to(1))).isSameAs(list.get(0));
        list.get(0).setState(RealServerState.DOWN); // before any update
        assertThat(lblcr.pick(to(1))).isSameAs(list.get(1));
    }

    // ---- random sequences against the oracle ----

    @ParameterizedTest
    @ValueSource(strings = {"lblc", "lblcr"})
    void randomSequencesMatchTheKernelRulesPickByPick(String name) {
        for (int seed = 0; seed < 200; seed++) {
            runSequence(name, seed);
        }
    }

    private void runSequence(String name, long seed) {
        Random r = new Random(seed);
        List<RealServer> universe = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RealServer.Builder b = RealServer.builder(new InetSocketAddress(ip(10, 1, 0, i + 1), 80))
                    .weight(1 + r.nextInt(4));
            if (i >= 3) {
                b.upperThreshold(3 + r.nextInt(3));
            }
            universe.add(b.build());
        }
        List<RealServer> list = new ArrayList<>(universe.subList(0, 3 + r.nextInt(3)));
        Scheduler s = create(name);
        KernelModel model = new KernelModel(name.equals("lblcr"), EXPIRATION);
        s.update(list);
        model.update(list);
        for (int step = 0; step < 300; step++) {
            RealServer target = universe.get(r.nextInt(universe.size()));
            int op = r.nextInt(12);
            switch (op) {
                case 0 -> list.remove(target);
                case 1 -> {
                    if (!list.contains(target)) {
                        list.add(target);
                    }
                }
                case 2 -> target.setState(target.state() == RealServerState.UP && r.nextInt(3) == 0
                        ? RealServerState.DOWN : RealServerState.UP);
                case 3 -> target.setWeight(r.nextInt(5));
                case 4 -> connect(target, 1 + r.nextInt(3));
                case 5 -> {
                    if (target.activeConnections() > 0) {
                        RealServerEngine.connectionClosed(target, true);
                    }
                }
                case 6 -> ticker.advance(Duration.ofSeconds(3L * r.nextInt(4))); // never exactly 10 s apart
                default -> {
                    Flow f = to(1 + r.nextInt(3));
                    RealServer expected = model.pick(f.destination().getAddress(), ticker.read());
                    RealServer actual = s.pick(f);
                    assertThat(actual).as("%s seed %d step %d", name, seed, step).isSameAs(expected);
                    if (actual != null && r.nextBoolean()) {
                        RealServerEngine.connectionOpened(actual);
                    }
                }
            }
            if (op <= 3) { // the director republishes on membership, weight and state changes
                s.update(list);
                model.update(list);
            }
        }
        s.close();
    }

    /**
     * The kernel's lblc and lblcr as a test oracle, over lvs4j's live real servers. {@code service} is
     * {@code svc->destinations}: the UP servers of the last update, in order (a DOWN server is a removed one); a
     * cached or member server counts as available ({@code IP_VS_DEST_F_AVAILABLE}) while a server of its address is
     * in the service. The one lvs4j rule on top: an entry idle for the expiration is gone at once.
     */
    static final class KernelModel {
        private final boolean replicated;
        private final long expiration;
        private final Map<InetAddress, Entry> table = new HashMap<>();
        private List<RealServer> service = List.of();

        static final class Entry {
            long lastuse;
            @Nullable RealServer dest; // lblc
            final List<RealServer> set = new ArrayList<>(); // lblcr, newest first
            long lastmod;
        }

        KernelModel(boolean replicated, long expiration) {
            this.replicated = replicated;
            this.expiration = expiration;
        }

        void update(List<RealServer> list) {
            service = list.stream().filter(rs -> rs.state() == RealServerState.UP).toList();
        }

        private @Nullable RealServer inService(RealServer d) {
            for (RealServer s : service) {
                if (s.equals(d)) {
                    return s;
                }
            }
            return null;
        }

        private boolean isOverloaded(RealServer dest) {
            if (dest.activeConnections() > dest.weight()) {
                for (RealServer d : service) {
                    if ((long) d.activeConnections() * 2 < d.weight()) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** {@code __ip_vs_lblc_schedule}: weighted least connection over the service. */
        private @Nullable RealServer wlc() {
            return leastLoaded(service);
        }

        /**
         * The scan {@code __ip_vs_lblc_schedule} and {@code ip_vs_dest_set_min} share: skip flagged servers; the
         * first above weight 0 is the candidate, a later one replaces it when {@code loh × w > doh × lw}.
         */
        private static @Nullable RealServer leastLoaded(List<RealServer> candidates) {
            RealServer least = null;
            long loh = 0;
            for (RealServer d : candidates) {
                if (d.isOverloaded()) {
                    continue;
                }
                if (least == null) {
                    if (d.weight() > 0) {
                        least = d;
                        loh = d.overhead();
                    }
                    continue;
                }
                long doh = d.overhead();
                if (loh * d.weight() > doh * least.weight()) {
                    least = d;
                    loh = doh;
                }
            }
            return least;
        }

        @Nullable RealServer pick(InetAddress daddr, long now) {
            Entry en = table.get(daddr);
            if (en != null && now - en.lastuse >= expiration) {
                table.remove(daddr);
                en = null;
            }
            return replicated ? lblcr(daddr, en, now) : lblc(daddr, en, now);
        }

        private @Nullable RealServer lblc(InetAddress daddr, @Nullable Entry en, long now) {
            if (en != null) {
                en.lastuse = now;
                RealServer d = en.dest == null ? null : inService(en.dest);
                if (d != null && d.weight() > 0 && !isOverloaded(d)) {
                    return d;
                }
            }
            RealServer d = wlc();
            if (d == null) {
                return null;
            }
            if (en == null) {
                en = new Entry();
                en.lastuse = now;
                table.put(daddr, en);
            }
            en.dest = d;
            return d;
        }

        /** {@code ip_vs_dest_set_min}: the same scan over the members that are available (in service). */
        private @Nullable RealServer setMin(Entry en) {
            List<RealServer> listed = new ArrayList<>();
            for (RealServer e : en.set) {
                RealServer d = inService(e);
                if (d != null) {
                    listed.add(d);
                }
            }
            return leastLoaded(listed);
        }

        private @Nullable RealServer setMax(Entry en) {
            RealServer most = null;
            long moh = 0;
            int mw = 0;
            for (RealServer e : en.set) {
                RealServer d = inService(e);
                RealServer live = d != null ? d : e;
                int w = live.weight();
                long doh = live.overhead();
                if (most == null) {
                    if (w > 0) {
                        most = e;
                        moh = doh;
                        mw = w;
                    }
                    continue;
                }
                if (moh * w < doh * mw && w > 0) {
                    most = e;
                    moh = doh;
                    mw = w;
                }
            }
            return most;
        }

        private @Nullable RealServer lblcr(InetAddress daddr, @Nullable Entry en, long now) {
            if (en != null) {
                en.lastuse = now;
                RealServer dest = setMin(en);
                if (en.set.size() > 1 && now - en.lastmod > expiration) {
                    RealServer m = setMax(en);
                    if (m != null) {
                        en.set.remove(m);
                        en.lastmod = now;
                    }
                }
                if (dest != null && !isOverloaded(dest)) {
                    return dest;
                }
                dest = wlc();
                if (dest == null) {
                    return null;
                }
                if (!en.set.contains(dest)) {
                    en.set.add(0, dest);
                    en.lastmod = now;
                }
                return dest;
            }
            RealServer dest = wlc();
            if (dest == null) {
                return null;
            }
            en = new Entry();
            en.lastuse = now;
            en.set.add(dest);
            en.lastmod = now;
            table.put(daddr, en);
            return dest;
        }
    }
}
