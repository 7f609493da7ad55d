package io.lvs4j.api;

import io.lvs4j.api.event.RealServerEvent;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.stats.StatsCounters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real server (IPVS "destination"): an address and port that serves a virtual service, with a weight, optional
 * connection thresholds, a health state and live connection counters.
 *
 * <p>A {@code RealServer} is a live object shared by the scheduler, the forwarding engine and the health monitor. Its
 * configuration (address, thresholds) is fixed at build time; its weight and state change at run time and each change
 * is published as a {@link RealServerEvent} to the listeners registered with {@link #onEvent}, synchronously on the
 * thread that made the change. All methods are thread-safe.
 *
 * <p>An application reads the live state (connection counters, ejection, drain) here; only lvs4j's engine writes it,
 * through {@link RealServerEngine} (not API). Weight and health state are set here: by operators and health monitors.
 *
 * <p>Identity is the address: two real servers are {@linkplain #equals equal} when their socket addresses are equal.
 * {@link #ADDRESS_ORDER} sorts by address bytes, then port, which is the order hash-based schedulers build their
 * tables in, so that a table does not depend on the order real servers were added.
 *
 * <h2>IPVS semantics</h2>
 * <ul>
 *   <li>Weight is 0..{@value #MAX_WEIGHT}, default {@value #DEFAULT_WEIGHT}. Weight 0 means quiescent: no new
 *       connections, established ones continue.</li>
 *   <li>{@linkplain #overhead() Overhead} is {@code active × 256 + inactive}, the load figure the least-connection
 *       schedulers compare.</li>
 *   <li>With an upper threshold, the server becomes overloaded when {@code active + inactive >= upper}; it is cleared
 *       when the total falls below the lower threshold, or, with no lower threshold, when
 *       {@code total × 4 < upper × 3}. An overloaded server receives no new connections.</li>
 * </ul>
 */
public final class RealServer {

    /** The weight a real server has when none is given: {@value}. */
    public static final int DEFAULT_WEIGHT = 1;
    /** The largest weight IPVS accepts: {@value}. */
    public static final int MAX_WEIGHT = 65535;

    /**
     * Orders real servers by address family (IPv4 first), then address bytes as unsigned numbers, then port. Hash
     * tables are built in this order.
     */
    public static final Comparator<RealServer> ADDRESS_ORDER =
            (a, b) -> compareAddresses(a.address, b.address);

    private static final VarHandle CONNECTIONS;
    private static final long ONE_ACTIVE = 1L << 32;
    private static final long ONE_INACTIVE = 1L;

    static {
        try {
            CONNECTIONS = MethodHandles.lookup().findVarHandle(RealServer.class, "connections", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        RealServerEngine.Slot.install(new Engine());
    }

    /**
     * The engine's writes ({@link RealServerEngine}): connection bookkeeping, ejection and drain are not part of the
     * surface an application sees, so it cannot corrupt the counters the schedulers compare.
     */
    private static final class Engine implements RealServerEngine.Access {
        @Override
        public void connectionOpened(RealServer realServer) {
            realServer.connectionOpened();
        }

        @Override
        public void inactiveConnectionOpened(RealServer realServer) {
            realServer.inactiveConnectionOpened();
        }

        @Override
        public void connectionActivated(RealServer realServer) {
            realServer.connectionActivated();
        }

        @Override
        public void connectionDeactivated(RealServer realServer) {
            realServer.connectionDeactivated();
        }

        @Override
        public void connectionClosed(RealServer realServer, boolean wasActive) {
            realServer.connectionClosed(wasActive);
        }

        @Override
        public void setEjected(RealServer realServer, boolean ejected) {
            realServer.setEjected(ejected);
        }

        @Override
        public void setDraining(RealServer realServer, boolean draining) {
            realServer.setDraining(draining);
        }
    }

    private final InetSocketAddress address;
    private final int upperThreshold;
    private final int lowerThreshold;
    private final ProxyProtocol proxyProtocol;
    // A least-connection scan over many real servers reads two fields per server: the packed counters
    // (active in the high 32 bits, inactive in the low) and the available flag derived from weight, state and
    // overload. Both live in the object itself, so a scan touches one cache line per server.
    private volatile long connections;
    private volatile boolean available;
    private final StatsCounters stats = new StatsCounters();
    private final CopyOnWriteArrayList<Consumer<? super RealServerEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile int weight;
    private volatile RealServerState state;
    private volatile boolean overloaded;
    private volatile boolean ejected;
    private volatile boolean draining;
    // The LoadMirrors of scanning schedulers holding this server; every counter or availability change is copied there.
    private volatile LoadMirror.Slot[] mirrors = LoadMirror.Slot.NONE;

    private RealServer(Builder builder) {
        this.address = builder.address;
        this.weight = builder.weight;
        this.upperThreshold = builder.upperThreshold;
        this.lowerThreshold = builder.lowerThreshold;
        this.proxyProtocol = builder.proxyProtocol;
        this.state = builder.state;
        this.available = computeAvailable();
    }

    /** Starts a builder for a real server at {@code address}, which must be resolved. */
    public static Builder builder(InetSocketAddress address) {
        return new Builder(address);
    }

    /**
     * Starts a builder for a real server at an IP literal and port, e.g. {@code builder("10.0.0.2", 80)}.
     *
     * @throws IllegalArgumentException if {@code ip} is not an IP address literal or {@code port} is not 1..65535
     */
    public static Builder builder(String ip, int port) {
        return new Builder(Addresses.socketAddress("address", ip, port));
    }

    /** A real server at an IP literal and port with the default weight and no thresholds. */
    public static RealServer of(String ip, int port) {
        return builder(ip, port).build();
    }

    /** A real server at an IP literal and port with the given weight and no thresholds. */
    public static RealServer of(String ip, int port, int weight) {
        return builder(ip, port).weight(weight).build();
    }

    /** The address and port connections are forwarded to. */
    public InetSocketAddress address() {
        return address;
    }

    /** The current weight, 0..{@value #MAX_WEIGHT}; 0 means quiescent. */
    public int weight() {
        return weight;
    }

    /**
     * Changes the weight and publishes a {@link RealServerEvent.WeightChanged} if it differs.
     *
     * @throws IllegalArgumentException if {@code weight} is outside 0..{@value #MAX_WEIGHT}
     */
    public void setWeight(int weight) {
        checkWeight(weight);
        int previous;
        synchronized (this) {
            previous = this.weight;
            if (previous == weight) {
                return;
            }
            this.weight = weight;
            this.available = computeAvailable();
        }
        publishLoad();
        publish(new RealServerEvent.WeightChanged(this, previous, weight));
    }

    /** The health state. */
    public RealServerState state() {
        return state;
    }

    /** Changes the health state and publishes a {@link RealServerEvent.StateChanged} if it differs. */
    public void setState(RealServerState state) {
        Objects.requireNonNull(state, "state");
        RealServerState previous;
        synchronized (this) {
            previous = this.state;
            if (previous == state) {
                return;
            }
            this.state = state;
            this.available = computeAvailable();
        }
        publishLoad();
        publish(new RealServerEvent.StateChanged(this, previous, state));
    }

    /**
     * Whether passive outlier detection has ejected this server for a while. Ejection is kept apart from the health
     * state (active checks) and the weight (operators), as Envoy keeps it: each owner changes only its own.
     */
    public boolean isEjected() {
        return ejected;
    }

    /** Ejects the server from new connections, or lets it back; publishes {@link RealServerEvent.EjectionChanged}. */
    void setEjected(boolean ejected) {
        synchronized (this) {
            if (this.ejected == ejected) {
                return;
            }
            this.ejected = ejected;
            this.available = computeAvailable();
        }
        publishLoad();
        publish(new RealServerEvent.EjectionChanged(this, ejected));
    }

    /**
     * Whether an operator drains this server (HAProxy's drain): schedulers give it no new connection, but persistence
     * templates still send their clients back, and established connections continue. Kept apart from the weight, so
     * that a drain does not forget the weight, and from health.
     */
    public boolean isDraining() {
        return draining;
    }

    /** Starts or ends a drain; publishes {@link RealServerEvent.DrainChanged}. */
    void setDraining(boolean draining) {
        synchronized (this) {
            if (this.draining == draining) {
                return;
            }
            this.draining = draining;
            this.available = computeAvailable();
        }
        publishLoad();
        publish(new RealServerEvent.DrainChanged(this, draining));
    }

    /** The upper connection threshold (IPVS {@code -x}); 0 means none. */
    public int upperThreshold() {
        return upperThreshold;
    }

    /** The lower connection threshold (IPVS {@code -y}); 0 means none. */
    public int lowerThreshold() {
        return lowerThreshold;
    }

    /** The PROXY protocol header sent to this real server at the start of each TCP connection. */
    public ProxyProtocol proxyProtocol() {
        return proxyProtocol;
    }

    /** Whether the weight is 0: established connections continue, new ones go elsewhere. */
    public boolean isQuiescent() {
        return weight == 0;
    }

    /** Whether the upper connection threshold has been reached and not yet cleared. */
    public boolean isOverloaded() {
        return overloaded;
    }

    /**
     * Whether a scheduler may give this real server a new connection: state {@link RealServerState#UP}, weight above
     * 0, not overloaded, not ejected and not draining.
     */
    public boolean isAvailable() {
        return available;
    }

    private boolean computeAvailable() {
        return weight > 0 && !overloaded && !ejected && !draining && state == RealServerState.UP;
    }

    private synchronized void setOverloaded(boolean overloaded) {
        if (this.overloaded != overloaded) {
            this.overloaded = overloaded;
            this.available = computeAvailable();
        }
        publishLoad();
    }

    /** Connections that are established in both directions. */
    public int activeConnections() {
        return (int) (connections >>> 32);
    }

    /** Connections that are open but not active (half-closed, or UDP flows). */
    public int inactiveConnections() {
        return (int) connections;
    }

    /** The IPVS load figure: {@code active × 256 + inactive}. */
    public int overhead() {
        long c = connections;
        return ((int) (c >>> 32) << 8) + (int) c;
    }

    /**
     * Records a new active connection to this real server: the active counter and the connection statistic go up and
     * the upper threshold is checked.
     */
    void connectionOpened() {
        long c = (long) CONNECTIONS.getAndAdd(this, ONE_ACTIVE) + ONE_ACTIVE;
        stats.addConnection();
        checkUpperThreshold(c);
        publishLoad();
    }

    /**
     * Records a new inactive connection (a UDP flow, or a TCP connection not yet established); the upper threshold is
     * checked.
     */
    void inactiveConnectionOpened() {
        long c = (long) CONNECTIONS.getAndAdd(this, ONE_INACTIVE) + ONE_INACTIVE;
        stats.addConnection();
        checkUpperThreshold(c);
        publishLoad();
    }

    /** Moves one connection from inactive to active, as IPVS does when a TCP connection becomes established. */
    void connectionActivated() {
        CONNECTIONS.getAndAdd(this, ONE_ACTIVE - ONE_INACTIVE);
        publishLoad();
    }

    /** Moves one connection from active to inactive, as IPVS does when a TCP connection starts to close. */
    void connectionDeactivated() {
        CONNECTIONS.getAndAdd(this, ONE_INACTIVE - ONE_ACTIVE);
        publishLoad();
    }

    /**
     * Records the end of a connection that was counted as active ({@code wasActive}) or inactive, and clears the
     * overload flag when the lower threshold rule allows.
     */
    void connectionClosed(boolean wasActive) {
        long c = (long) CONNECTIONS.getAndAdd(this, wasActive ? -ONE_ACTIVE : -ONE_INACTIVE)
                - (wasActive ? ONE_ACTIVE : ONE_INACTIVE);
        if (overloaded) {
            long total = total(c);
            if (lowerThreshold != 0) {
                if (total < lowerThreshold) {
                    setOverloaded(false);
                }
            } else if (upperThreshold != 0) {
                if (total * 4 < (long) upperThreshold * 3) {
                    setOverloaded(false);
                }
            } else {
                setOverloaded(false);
            }
        }
        publishLoad();
    }

    private void publishLoad() {
        LoadMirror.Slot[] m = mirrors;
        if (m.length != 0) {
            LoadMirror.publish(this, m);
        }
    }

    /** The word {@link LoadMirror} holds for this server. */
    long loadWord() {
        return LoadMirror.word(connections, available);
    }

    /** Adds a mirror slot (dropping slots of collected mirrors) and fills it. */
    void attach(LoadMirror.Slot slot) {
        synchronized (this) {
            List<LoadMirror.Slot> next = new ArrayList<>(mirrors.length + 1);
            for (LoadMirror.Slot s : mirrors) {
                if (s.get() != null) {
                    next.add(s);
                }
            }
            next.add(slot);
            mirrors = next.toArray(LoadMirror.Slot.NONE);
        }
        publishLoad();
    }

    /** Removes every slot of {@code mirror} (and of collected mirrors). */
    synchronized void detach(LoadMirror mirror) {
        List<LoadMirror.Slot> next = new ArrayList<>(mirrors.length);
        for (LoadMirror.Slot s : mirrors) {
            LoadMirror m = s.get();
            if (m != null && m != mirror) {
                next.add(s);
            }
        }
        mirrors = next.toArray(LoadMirror.Slot.NONE);
    }

    private void checkUpperThreshold(long connections) {
        if (upperThreshold != 0 && !overloaded && total(connections) >= upperThreshold) {
            setOverloaded(true);
        }
    }

    private static long total(long connections) {
        return (connections >>> 32) + (int) connections;
    }

    /** Byte, packet and connection counters of this real server, updated by the forwarding engine. */
    public StatsCounters stats() {
        return stats;
    }

    /**
     * Registers a listener for weight and state changes. It runs on the thread that made the change and must not
     * block.
     */
    public Registration onEvent(Consumer<? super RealServerEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void publish(RealServerEvent event) {
        for (Consumer<? super RealServerEvent> listener : listeners) {
            listener.accept(event);
        }
    }

    /** Equal when the addresses are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RealServer && ((RealServer) o).address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    /** {@code 10.0.0.2:80 weight 3 UP}, with {@code overloaded} when it is. */
    @Override
    public String toString() {
        return Addresses.format(address) + " weight " + weight + " " + state + (overloaded ? " overloaded" : "")
                + (ejected ? " ejected" : "");
    }

    static void checkWeight(int weight) {
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 0.." + MAX_WEIGHT + " but was " + weight);
        }
    }

    static int compareAddresses(InetSocketAddress a, InetSocketAddress b) {
        InetAddress ia = a.getAddress();
        InetAddress ib = b.getAddress();
        byte[] ba = ia.getAddress();
        byte[] bb = ib.getAddress();
        if (ba.length != bb.length) {
            return Integer.compare(ba.length, bb.length);
        }
        int c = Arrays.compareUnsigned(ba, bb);
        return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
    }

    /** Builds a {@link RealServer}; every setter fails fast with the field name and the bad value. */
    public static final class Builder {
        private final InetSocketAddress address;
        private int weight = DEFAULT_WEIGHT;
        private int upperThreshold;
        private int lowerThreshold;
        private RealServerState state = RealServerState.UP;
        private ProxyProtocol proxyProtocol = ProxyProtocol.NONE;

        Builder(InetSocketAddress address) {
            this.address = Addresses.checkResolved("address", address);
        }

        /** Weight 0..{@value #MAX_WEIGHT}; default {@value #DEFAULT_WEIGHT}; 0 makes the server quiescent. */
        public Builder weight(int weight) {
            checkWeight(weight);
            this.weight = weight;
            return this;
        }

        /** Upper connection threshold (active + inactive); 0, the default, means none. */
        public Builder upperThreshold(int upperThreshold) {
            if (upperThreshold < 0) {
                throw new IllegalArgumentException("upperThreshold must be >= 0 but was " + upperThreshold);
            }
            this.upperThreshold = upperThreshold;
            return this;
        }

        /** Lower connection threshold, where an overloaded server is cleared; 0, the default, means none. */
        public Builder lowerThreshold(int lowerThreshold) {
            if (lowerThreshold < 0) {
                throw new IllegalArgumentException("lowerThreshold must be >= 0 but was " + lowerThreshold);
            }
            this.lowerThreshold = lowerThreshold;
            return this;
        }

        /**
         * The initial health state; default {@link RealServerState#UP}. keepalived's {@code alpha} starts servers
         * {@link RealServerState#DOWN} until their first successful check.
         */
        public Builder state(RealServerState state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /** The PROXY protocol header to send; default {@link ProxyProtocol#NONE}. */
        public Builder proxyProtocol(ProxyProtocol proxyProtocol) {
            this.proxyProtocol = Objects.requireNonNull(proxyProtocol, "proxyProtocol");
            return this;
        }

        /**
         * Builds the real server.
         *
         * @throws IllegalArgumentException if the lower threshold exceeds the upper one (IPVS rejects the same)
         */
        public RealServer build() {
            if (lowerThreshold > upperThreshold) {
                throw new IllegalArgumentException("lowerThreshold (" + lowerThreshold
                        + ") must not exceed upperThreshold (" + upperThreshold + ") for real server "
                        + Addresses.format(address));
            }
            return new RealServer(this);
        }
    }
}
