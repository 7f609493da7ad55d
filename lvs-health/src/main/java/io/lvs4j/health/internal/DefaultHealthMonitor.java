package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.CheckCompleted;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.CheckTimer;
import io.lvs4j.health.ConfigFactory;
import io.lvs4j.health.HealthMonitorConfig;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the real servers of the watched virtual services on a {@link CheckTimer}, drives their state (or weight,
 * with inhibit-on-failure) and tracks each service's quorum with hysteresis, as keepalived's checker does. All state
 * changes happen under this object's lock; listeners run after it is released.
 */
public final class DefaultHealthMonitor implements HealthMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultHealthMonitor.class);

    private final ConfigFactory configs;
    private final CheckFactory checks;
    private final CheckTimer timer;
    private final ToLongFunction<HealthMonitorConfig> warmupNanos;
    private final Runnable onClose;
    // Changed under this object's lock; read without it by hasQuorum, which event loops call on every pick.
    private final Map<ServiceKey, Watched> services = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<? super HealthEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super CheckCompleted>> checkListeners = new CopyOnWriteArrayList<>();
    private boolean closed; // guarded by this

    /** One watched service: its checkers and quorum state. */
    final class Watched {
        VirtualService service;
        final Map<RealServer, RealServerChecker> checkers = new IdentityHashMap<>();
        volatile boolean quorumUp = true;

        Watched(VirtualService service) {
            this.service = service;
        }

        int liveWeight() {
            int sum = 0;
            for (RealServerChecker c : checkers.values()) {
                if (c.healthy()) {
                    sum += c.realServer().weight();
                }
            }
            return sum;
        }

        /**
         * Whether the live weight is at least {@code threshold}: stops at the first servers that reach it, so with the
         * usual quorum of 1 it reads one or two servers, not all of them, after every check.
         */
        boolean liveWeightReaches(int threshold) {
            int sum = 0;
            if (sum >= threshold) {
                return true;
            }
            for (RealServerChecker c : checkers.values()) {
                if (c.healthy()) {
                    sum += c.realServer().weight();
                    if (sum >= threshold) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /**
     * A monitor.
     *
     * @param configs each real server's settings, asked again after every check
     * @param warmupNanos the random first delay of a checker with the given settings, drawn in {@code [0, warmup]}
     * @param onClose releases resources the factory made for this monitor (an event-loop group)
     */
    public DefaultHealthMonitor(ConfigFactory configs, CheckFactory checks, CheckTimer timer,
                                ToLongFunction<HealthMonitorConfig> warmupNanos, Runnable onClose) {
        this.configs = configs;
        this.checks = checks;
        this.timer = timer;
        this.warmupNanos = warmupNanos;
        this.onClose = onClose;
    }

    HealthMonitorConfig config(Watched watched, RealServer realServer) {
        return configs.configFor(watched.service, realServer);
    }

    CheckTimer timer() {
        return timer;
    }

    @Override
    public void watch(VirtualService service) {
        List<HealthEvent> events = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("health monitor is closed");
            }
            Watched w = services.computeIfAbsent(ServiceKey.of(service), k -> new Watched(service));
            w.service = service;
            Map<RealServer, RealServerChecker> keep = new IdentityHashMap<>();
            for (RealServer rs : service.realServers()) {
                RealServerChecker c = w.checkers.remove(rs);
                if (c == null) {
                    c = new RealServerChecker(this, w, rs, checks.checkFor(service, rs));
                    c.start(warmupNanos.applyAsLong(config(w, rs)));
                }
                keep.put(rs, c);
            }
            w.checkers.values().forEach(RealServerChecker::stop);
            w.checkers.clear();
            w.checkers.putAll(keep);
            updateQuorum(w, events);
        }
        publish(events);
    }

    @Override
    public void unwatch(VirtualService service) {
        synchronized (this) {
            Watched w = services.remove(ServiceKey.of(service));
            if (w != null) {
                w.checkers.values().forEach(RealServerChecker::stop);
            }
        }
    }

    @Override
    public boolean hasQuorum(VirtualService service) {
        Watched w = services.get(ServiceKey.of(service));
        return w == null || w.quorumUp;
    }

    @Override
    public Registration onEvent(Consumer<? super HealthEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Registration onCheck(Consumer<? super CheckCompleted> listener) {
        checkListeners.add(listener);
        return () -> checkListeners.remove(listener);
    }

    /** Whether anybody listens to completed checks: when nobody does, checkers make no events. */
    boolean observesChecks() {
        return !checkListeners.isEmpty();
    }

    /** Tells the check listeners; called without the monitor's lock. */
    void publish(CheckCompleted check) {
        for (Consumer<? super CheckCompleted> l : checkListeners) {
            try {
                l.accept(check);
            } catch (RuntimeException ex) {
                LOG.warn("check listener failed on {}", check, ex);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            services.values().forEach(w -> w.checkers.values().forEach(RealServerChecker::stop));
            services.clear();
        }
        onClose.run();
    }

    /**
     * keepalived: quorum is lost below {@code quorum - hysteresis} and regained at {@code quorum + hysteresis}. Checkers
     * call it, under the monitor's lock, after every completed check: weights may change (dynamic weight, an
     * operator), not only health.
     */
    void updateQuorum(Watched w, List<HealthEvent> events) {
        VirtualService vs = w.service;
        // the full sum only when the quorum changes: the events and the log report it
        if (w.quorumUp && !w.liveWeightReaches(vs.quorum() - vs.hysteresis())) {
            int live = w.liveWeight();
            w.quorumUp = false;
            LOG.info("{}: quorum lost (live weight {} < {} - {})", vs.name(), live, vs.quorum(), vs.hysteresis());
            events.add(new HealthEvent.QuorumLost(vs, live));
        } else if (!w.quorumUp && w.liveWeightReaches(vs.quorum() + vs.hysteresis())) {
            int live = w.liveWeight();
            w.quorumUp = true;
            LOG.info("{}: quorum up (live weight {} >= {} + {})", vs.name(), live, vs.quorum(), vs.hysteresis());
            events.add(new HealthEvent.QuorumUp(vs, live));
        }
    }

    void publish(List<HealthEvent> events) {
        for (HealthEvent e : events) {
            for (Consumer<? super HealthEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("health event listener failed on {}", e, ex);
                }
            }
        }
    }
}
