package io.lvs4j.scheduler.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The publication half every scheduler shares: {@link #update} builds an immutable table of type {@code T} from the
 * IPVS destination list (the real servers whose state is UP, in the order given, quiescent ones included) and their
 * effective weights, and publishes it through a volatile field; picks read that field and never lock.
 *
 * <p>With slow start, the effective weight of a real server that joined (or came back up) after the first update
 * ramps over the window; while any server ramps, a pick that finds the table older than a twentieth of the window
 * rebuilds it, under a try-lock so an event loop never waits.
 *
 * @param <T> the immutable table the picks read
 */
public abstract class BaseScheduler<T> implements Scheduler {

    private static final int RAMP_STEPS = 20;

    private final String name;
    private final Ticker ticker;
    private final SlowStart slowStart;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<RealServer, Long> upSince = new IdentityHashMap<>(); // guarded by lock
    private List<RealServer> members = List.of(); // guarded by lock
    private boolean updated; // guarded by lock
    private volatile T table;
    private volatile long rampUntil = Long.MIN_VALUE;
    private volatile long nextRamp = Long.MAX_VALUE;

    protected BaseScheduler(String name, SchedulerConfig config, T empty) {
        this.name = name;
        this.ticker = config.ticker();
        this.slowStart = SlowStart.of(config);
        this.table = empty;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void update(List<RealServer> realServers) {
        Objects.requireNonNull(realServers, "realServers");
        List<RealServer> copy = List.copyOf(realServers);
        lock.lock();
        try {
            long now = ticker.read();
            if (slowStart.enabled()) {
                trackUpSince(copy, now);
            }
            members = copy;
            updated = true;
            rebuild(now);
        } finally {
            lock.unlock();
        }
    }

    /** The table to pick from; refreshes it first when a slow-start ramp is due. */
    protected final T table() {
        long until = rampUntil;
        if (until != Long.MIN_VALUE) {
            maybeRamp();
        }
        return table;
    }

    /**
     * Builds a new table.
     *
     * @param servers the IPVS destination list: real servers in state UP, in the order given, quiescent included
     * @param weights their effective weights (the weight, or less while slow start ramps)
     * @param previous the table being replaced, for schedulers that carry a cursor across updates
     */
    protected abstract T build(RealServer[] servers, int[] weights, T previous);

    private void trackUpSince(List<RealServer> servers, long now) {
        Map<RealServer, Long> next = new IdentityHashMap<>();
        for (RealServer rs : servers) {
            if (rs.state() != RealServerState.UP) {
                continue;
            }
            Long since = upSince.get(rs);
            // Servers of the first update start at full weight; later arrivals and recoveries ramp.
            next.put(rs, since != null ? since : (updated ? now : now - slowStart.windowNanos()));
        }
        upSince.clear();
        upSince.putAll(next);
    }

    private void rebuild(long now) {
        List<RealServer> up = new ArrayList<>(members.size());
        for (RealServer rs : members) {
            if (rs.state() == RealServerState.UP) {
                up.add(rs);
            }
        }
        RealServer[] servers = up.toArray(new RealServer[0]);
        int[] weights = new int[servers.length];
        long latestStart = Long.MIN_VALUE;
        for (int i = 0; i < servers.length; i++) {
            int w = servers[i].weight();
            if (slowStart.enabled()) {
                Long since = upSince.get(servers[i]);
                if (since != null && now - since < slowStart.windowNanos()) {
                    w = slowStart.effectiveWeight(w, now - since);
                    latestStart = Math.max(latestStart, since);
                }
            }
            weights[i] = w;
        }
        table = build(servers, weights, table);
        if (latestStart == Long.MIN_VALUE) {
            rampUntil = Long.MIN_VALUE;
            nextRamp = Long.MAX_VALUE;
        } else {
            rampUntil = latestStart + slowStart.windowNanos();
            nextRamp = now + Math.max(1, slowStart.windowNanos() / RAMP_STEPS);
        }
    }

    private void maybeRamp() {
        long now = ticker.read();
        if (now - nextRamp < 0 || !lock.tryLock()) {
            return;
        }
        try {
            if (rampUntil != Long.MIN_VALUE && now - nextRamp >= 0) {
                rebuild(now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A short description for logs and tests. */
    @Override
    public String toString() {
        return name + " " + members;
    }

    /** The greatest common divisor of the positive values of {@code weights}, or 0 if there is none. */
    static int gcdOfPositive(int[] weights) {
        int g = 0;
        for (int w : weights) {
            if (w > 0) {
                g = g == 0 ? w : gcd(w, g);
            }
        }
        return g;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static int max(int[] weights) {
        int m = 0;
        for (int w : weights) {
            m = Math.max(m, w);
        }
        return m;
    }
}
