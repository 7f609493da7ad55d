package io.lvs4j.forward.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.RealServerEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.api.stats.RateEstimator;
import io.lvs4j.api.stats.StatsCounters;
import io.lvs4j.api.stats.StatsSnapshot;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.scheduler.PersistentScheduler;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The live state of one virtual service: its configuration, scheduler, statistics, open connections and listener.
 * Configuration changes happen under this object's lock; picks read volatile fields only.
 */
final class ServiceRuntime {

    private final Ticker ticker;
    private final @Nullable HealthMonitor healthMonitor;
    private volatile VirtualService service;
    private volatile Scheduler scheduler;
    private final StatsCounters stats = new StatsCounters();
    private final RateEstimator estimator = new RateEstimator();
    private final Map<RealServer, RateEstimator> realServerEstimators = new ConcurrentHashMap<>();
    private final Map<RealServer, Set<Channel>> connections = new ConcurrentHashMap<>();
    private final Map<RealServer, Registration> subscriptions = new HashMap<>(); // guarded by this
    final AtomicInteger open = new AtomicInteger();
    /** UDP flows evicted for room, datagrams dropped, failed accepts: rare events, counted for the statistics. */
    final LongAdder evictedFlows = new LongAdder();
    final LongAdder droppedDatagrams = new LongAdder();
    final LongAdder acceptFailures = new LongAdder();
    /** Connections (UDP: datagrams) that found no real server, and TCP connections sent to the sorry server. */
    final LongAdder noServer = new LongAdder();
    final LongAdder sorryServer = new LongAdder();
    /** Times outlier detection ejected each real server, from the servers' events. */
    private final Map<RealServer, LongAdder> ejections = new ConcurrentHashMap<>();
    volatile @Nullable Channel listener;
    /** A backup's listener, created and registered but not bound, so that a takeover only has to bind it. */
    volatile @Nullable Channel standby;

    ServiceRuntime(VirtualService service, Ticker ticker, @Nullable HealthMonitor healthMonitor) {
        this.ticker = ticker;
        this.healthMonitor = healthMonitor;
        this.service = service;
        this.scheduler = newScheduler(service);
        subscribe(service);
        scheduler.update(service.realServers());
    }

    VirtualService service() {
        return service;
    }

    StatsCounters stats() {
        return stats;
    }

    /**
     * Applies a changed configuration of the same protocol and address. A new scheduler, when the change needs one,
     * is built before anything changes: if it cannot be built this throws and the service runs on as it was.
     *
     * @throws IllegalArgumentException when the scheduler cannot be built (an unknown flag, say)
     */
    synchronized void reconfigure(VirtualService next) {
        VirtualService previous = service;
        boolean newScheduler = !previous.scheduler().equals(next.scheduler())
                || !previous.schedulerFlags().equals(next.schedulerFlags())
                || !previous.persistenceTimeout().equals(next.persistenceTimeout())
                || previous.persistenceNetmask() != next.persistenceNetmask()
                || !previous.slowStart().equals(next.slowStart());
        Scheduler created = null;
        if (newScheduler) {
            created = newScheduler(next);
            try {
                created.update(next.realServers());
            } catch (RuntimeException e) {
                created.close();
                throw e;
            }
        }
        service = next;
        subscribe(next);
        if (created != null) {
            Scheduler old = scheduler;
            scheduler = created;
            old.close();
        } else {
            scheduler.update(next.realServers());
        }
        if (healthMonitor != null) {
            healthMonitor.watch(next);
        }
    }

    /** The persistence templates of this service, or {@code null} when it is not persistent. */
    @Nullable PersistentScheduler persistence() {
        return scheduler instanceof PersistentScheduler p ? p : null;
    }

    private Scheduler newScheduler(VirtualService vs) {
        SchedulerConfig.Builder config = SchedulerConfig.builder().flags(vs.schedulerFlags()).ticker(ticker);
        if (!vs.slowStart().isZero()) {
            config.slowStart(vs.slowStart());
        }
        Scheduler s = Schedulers.create(vs.scheduler(), config.build());
        return vs.isPersistent() ? PersistentScheduler.wrap(s, vs) : s;
    }

    /** Keeps one event subscription per listed real server; a weight or state change republishes the picker. */
    private void subscribe(VirtualService vs) {
        Set<RealServer> listed = Set.copyOf(vs.realServers());
        ejections.keySet().retainAll(listed);
        subscriptions.entrySet().removeIf(e -> {
            if (!listed.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (RealServer rs : vs.realServers()) {
            // An ejection or a drain needs no new table (pickers check availability live); ejections happen on event
            // loops, where a table rebuild (a Maglev table takes ~2 ms) must not run.
            subscriptions.computeIfAbsent(rs, r -> r.onEvent(event -> {
                if (event instanceof RealServerEvent.EjectionChanged e) {
                    if (e.ejected()) {
                        ejections.computeIfAbsent(r, k -> new LongAdder()).increment();
                    }
                } else if (!(event instanceof RealServerEvent.DrainChanged)) {
                    republish();
                }
            }));
        }
    }

    private void republish() {
        scheduler.update(service.realServers());
    }

    /**
     * Picks a real server for {@code flow} that is not in {@code tried}; {@code null} when the quorum is lost or no
     * eligible server remains.
     */
    @Nullable RealServer pick(Flow flow, @Nullable List<RealServer> tried) {
        if (healthMonitor != null && !healthMonitor.hasQuorum(service)) {
            return null;
        }
        RealServer rs = scheduler.pick(flow);
        if (rs == null || tried == null || !tried.contains(rs)) {
            return rs;
        }
        return redispatchTarget(tried);
    }

    /**
     * A redispatch after a failed connect: the scheduler picked a server this connection already tried (a
     * deterministic scheduler keeps picking the server with no connections, which is the one that just refused), so
     * take the available server not yet tried with the least weighted overhead (wlc's rule), ties to list order.
     */
    private @Nullable RealServer redispatchTarget(List<RealServer> tried) {
        RealServer best = null;
        long bestOverhead = 0;
        int bestWeight = 1;
        for (RealServer rs : service.realServers()) {
            if (!rs.isAvailable() || tried.contains(rs)) {
                continue;
            }
            long overhead = (long) rs.activeConnections() * 256 + rs.inactiveConnections();
            int weight = rs.weight();
            if (best == null || overhead * bestWeight < bestOverhead * weight) {
                best = rs;
                bestOverhead = overhead;
                bestWeight = weight;
            }
        }
        return best;
    }

    void register(RealServer rs, Channel client) {
        Set<Channel> set = connections.get(rs);
        (set != null ? set : connections.computeIfAbsent(rs, r -> ConcurrentHashMap.newKeySet())).add(client);
    }

    void unregister(RealServer rs, Channel client) {
        Set<Channel> set = connections.get(rs);
        if (set != null) {
            set.remove(client);
        }
    }

    int closeConnections(InetSocketAddress realServer) {
        int n = 0;
        for (Map.Entry<RealServer, Set<Channel>> e : connections.entrySet()) {
            if (e.getKey().address().equals(realServer)) {
                for (Channel c : e.getValue()) {
                    c.close();
                    n++;
                }
            }
        }
        return n;
    }

    long maxPendingBytes() {
        long max = 0;
        for (Set<Channel> set : connections.values()) {
            for (Channel c : set) {
                io.netty.channel.ChannelOutboundBuffer out = c.unsafe().outboundBuffer();
                if (out != null) {
                    max = Math.max(max, out.totalPendingWriteBytes());
                }
            }
        }
        return max;
    }

    void closeAllConnections() {
        connections.values().forEach(set -> set.forEach(Channel::close));
    }

    /** Folds the current totals into the rate estimators; called every two seconds. */
    void estimate() {
        estimator.estimate(stats.totals());
        for (RealServer rs : service.realServers()) {
            realServerEstimators.computeIfAbsent(rs, r -> {
                RateEstimator e = new RateEstimator();
                e.estimate(StatsSnapshot.ZERO);
                return e;
            }).estimate(rs.stats().totals());
        }
    }

    ServiceStatistics statistics() {
        VirtualService vs = service;
        List<ServiceStatistics.RealServerStatistics> lines = new ArrayList<>();
        for (RealServer rs : vs.realServers()) {
            RateEstimator e = realServerEstimators.get(rs);
            StatsSnapshot totals = rs.stats().totals();
            LongAdder ejected = ejections.get(rs);
            lines.add(new ServiceStatistics.RealServerStatistics(rs.address(), rs.weight(), rs.state(),
                    rs.activeConnections(), rs.inactiveConnections(), e == null ? totals : e.snapshot(totals),
                    ejected == null ? 0 : ejected.sum()));
        }
        PersistentScheduler p = persistence();
        return new ServiceStatistics(vs.protocol(), vs.address(), vs.scheduler(), open.get(),
                estimator.snapshot(stats.totals()), lines, p == null ? 0 : p.templateCount(), evictedFlows.sum(),
                droppedDatagrams.sum(), acceptFailures.sum(), noServer.sum(), sorryServer.sum());
    }

    synchronized void close() {
        subscriptions.values().forEach(Registration::close);
        subscriptions.clear();
        scheduler.close();
    }
}
