package io.lvs4j.api;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A virtual service (IPVS "service"): the protocol, address and port clients connect to, how connections are
 * scheduled over its real servers, and what happens when too few of them are healthy.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(Protocol, InetSocketAddress)} and derive changed copies
 * with {@link #toBuilder()}. The {@link RealServer}s it lists are live objects whose weight and state change at run
 * time; the list itself (membership) changes only by building a new virtual service.
 *
 * <p>Defaults follow {@code ipvsadm} and keepalived: scheduler {@value #DEFAULT_SCHEDULER}, no persistence (a
 * persistent service defaults to a timeout of 300 s and a /32 or /128 client netmask), quorum
 * {@value #DEFAULT_QUORUM}, hysteresis 0, no sorry server, no connection limit.
 */
public final class VirtualService {

    /** The scheduler used when none is named, as in {@code ipvsadm}: {@value}. */
    public static final String DEFAULT_SCHEDULER = "wlc";
    /** The persistence timeout {@code ipvsadm -p} uses when no value is given: 300 s. */
    public static final Duration DEFAULT_PERSISTENCE_TIMEOUT = Duration.ofSeconds(300);
    /** keepalived's default quorum: the live weight that must remain for the service to stay up: {@value}. */
    public static final int DEFAULT_QUORUM = 1;
    /**
     * The most replies {@link Builder#udpResponses(int)} accepts: {@value}. A flow that needs more should have no
     * limit (0).
     */
    public static final int MAX_UDP_RESPONSES = 65_535;

    private final Protocol protocol;
    private final InetSocketAddress address;
    private final String scheduler;
    private final Set<String> schedulerFlags;
    private final Duration persistenceTimeout;
    private final int persistenceNetmask;
    private final int quorum;
    private final int hysteresis;
    private final @Nullable InetSocketAddress sorryServer;
    private final int maxConnections;
    private final boolean onePacket;
    private final int udpResponses;
    private final Duration slowStart;
    private final List<RealServer> realServers;

    private VirtualService(Builder b) {
        this.protocol = b.protocol;
        this.address = b.address;
        this.scheduler = b.scheduler;
        this.schedulerFlags = Collections.unmodifiableSet(new LinkedHashSet<>(b.schedulerFlags));
        this.persistenceTimeout = b.persistenceTimeout;
        this.persistenceNetmask = b.persistenceNetmask >= 0 ? b.persistenceNetmask : maxPrefix(b.address);
        this.quorum = b.quorum;
        this.hysteresis = b.hysteresis;
        this.sorryServer = b.sorryServer;
        this.maxConnections = b.maxConnections;
        this.onePacket = b.onePacket;
        this.udpResponses = b.udpResponses;
        this.slowStart = b.slowStart;
        this.realServers = List.copyOf(b.realServers);
    }

    /** Starts a builder for a virtual service on a resolved address. */
    public static Builder builder(Protocol protocol, InetSocketAddress address) {
        return new Builder(protocol, address);
    }

    /** Starts a builder for a TCP virtual service on an IP literal and port, e.g. {@code tcp("10.0.0.100", 80)}. */
    public static Builder tcp(String ip, int port) {
        return new Builder(Protocol.TCP, Addresses.socketAddress("address", ip, port));
    }

    /** Starts a builder for a UDP virtual service on an IP literal and port. */
    public static Builder udp(String ip, int port) {
        return new Builder(Protocol.UDP, Addresses.socketAddress("address", ip, port));
    }

    /** A builder holding this service's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(protocol, address)
                .scheduler(scheduler)
                .persistenceTimeout(persistenceTimeout)
                .persistenceNetmask(persistenceNetmask)
                .quorum(quorum)
                .hysteresis(hysteresis)
                .maxConnections(maxConnections)
                .onePacket(onePacket)
                .udpResponses(udpResponses)
                .slowStart(slowStart);
        b.schedulerFlags.addAll(schedulerFlags);
        b.sorryServer = sorryServer;
        b.realServers.addAll(realServers);
        return b;
    }

    /** The transport protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /** The virtual address and port. */
    public InetSocketAddress address() {
        return address;
    }

    /** The scheduler's IPVS name, e.g. {@code wlc}, {@code mh}. */
    public String scheduler() {
        return scheduler;
    }

    /** Scheduler flags, e.g. {@code sh-port}, {@code mh-fallback}; unmodifiable. */
    public Set<String> schedulerFlags() {
        return schedulerFlags;
    }

    /** Whether clients stick to a real server between connections (IPVS {@code -p}). */
    public boolean isPersistent() {
        return !persistenceTimeout.isZero();
    }

    /** How long a persistence template outlives the client's last connection; {@link Duration#ZERO} when off. */
    public Duration persistenceTimeout() {
        return persistenceTimeout;
    }

    /** The prefix length client addresses are masked to for persistence (IPVS {@code -M}); 32 or 128 by default. */
    public int persistenceNetmask() {
        return persistenceNetmask;
    }

    /** The minimum sum of weights of live real servers for the service to be up (keepalived {@code quorum}). */
    public int quorum() {
        return quorum;
    }

    /** The tolerance around the quorum before it is declared lost or regained (keepalived {@code hysteresis}). */
    public int hysteresis() {
        return hysteresis;
    }

    /** Where connections go when no real server is eligible or the quorum is lost; {@code null} if none. */
    public @Nullable InetSocketAddress sorryServer() {
        return sorryServer;
    }

    /** The most connections the service accepts at once; 0 means no limit. */
    public int maxConnections() {
        return maxConnections;
    }

    /** UDP only: schedule every datagram on its own (IPVS {@code -o}, one-packet scheduling). */
    public boolean isOnePacket() {
        return onePacket;
    }

    /**
     * UDP only: how many replies from its real server a flow is owed per datagram it relayed, after which the
     * director ends it (nginx's {@code proxy_responses}); 0 means no limit, the flow lives until it expires or is
     * evicted.
     */
    public int udpResponses() {
        return udpResponses;
    }

    /** The slow-start window of real servers that join or come back up; {@link Duration#ZERO} when off. */
    public Duration slowStart() {
        return slowStart;
    }

    /** The real servers, in the order they were added; unmodifiable. */
    public List<RealServer> realServers() {
        return realServers;
    }

    /** The real server at {@code address}, or {@code null}. */
    public @Nullable RealServer realServer(InetSocketAddress address) {
        for (RealServer rs : realServers) {
            if (rs.address().equals(address)) {
                return rs;
            }
        }
        return null;
    }

    /** {@code TCP 10.0.0.100:80}, the way {@code ipvsadm} names a service. */
    public String name() {
        return protocol + " " + Addresses.format(address);
    }

    /** Equal when protocol, address and every setting are equal and the real servers are the same. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VirtualService)) {
            return false;
        }
        VirtualService v = (VirtualService) o;
        return protocol == v.protocol && address.equals(v.address) && scheduler.equals(v.scheduler)
                && schedulerFlags.equals(v.schedulerFlags) && persistenceTimeout.equals(v.persistenceTimeout)
                && persistenceNetmask == v.persistenceNetmask && quorum == v.quorum && hysteresis == v.hysteresis
                && Objects.equals(sorryServer, v.sorryServer) && maxConnections == v.maxConnections
                && onePacket == v.onePacket && udpResponses == v.udpResponses && slowStart.equals(v.slowStart)
                && realServers.equals(v.realServers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, address, scheduler, realServers);
    }

    @Override
    public String toString() {
        return name() + " " + scheduler + (schedulerFlags.isEmpty() ? "" : " " + schedulerFlags)
                + (isPersistent() ? " persistent " + persistenceTimeout.toSeconds() + "s/" + persistenceNetmask : "")
                + " " + realServers;
    }

    private static int maxPrefix(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? 32 : 128;
    }

    /** Builds a {@link VirtualService}; every setter fails fast with the field name and the bad value. */
    public static final class Builder {
        private final Protocol protocol;
        private final InetSocketAddress address;
        private String scheduler = DEFAULT_SCHEDULER;
        private final Set<String> schedulerFlags = new LinkedHashSet<>();
        private Duration persistenceTimeout = Duration.ZERO;
        private int persistenceNetmask = -1;
        private int quorum = DEFAULT_QUORUM;
        private int hysteresis;
        private @Nullable InetSocketAddress sorryServer;
        private int maxConnections;
        private boolean onePacket;
        private int udpResponses;
        private Duration slowStart = Duration.ZERO;
        private final List<RealServer> realServers = new ArrayList<>();

        Builder(Protocol protocol, InetSocketAddress address) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            this.address = Addresses.checkResolved("address", address);
        }

        /** The scheduler's IPVS name; default {@value VirtualService#DEFAULT_SCHEDULER}. */
        public Builder scheduler(String scheduler) {
            Objects.requireNonNull(scheduler, "scheduler");
            if (scheduler.isBlank()) {
                throw new IllegalArgumentException("scheduler must not be blank");
            }
            this.scheduler = scheduler;
            return this;
        }

        /** Adds scheduler flags, e.g. {@code sh-fallback}; the scheduler rejects flags it does not know. */
        public Builder schedulerFlags(String... flags) {
            for (String flag : flags) {
                Objects.requireNonNull(flag, "schedulerFlags");
                if (flag.isBlank()) {
                    throw new IllegalArgumentException("schedulerFlags must not contain a blank flag");
                }
                schedulerFlags.add(flag);
            }
            return this;
        }

        /** Turns persistence on with the default timeout of 300 s (IPVS {@code -p} with no value). */
        public Builder persistent() {
            return persistenceTimeout(DEFAULT_PERSISTENCE_TIMEOUT);
        }

        /** Persistence timeout; {@link Duration#ZERO} (the default) turns persistence off. Whole seconds or more. */
        public Builder persistenceTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "persistenceTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("persistenceTimeout must be >= 0 but was " + timeout);
            }
            this.persistenceTimeout = timeout;
            return this;
        }

        /** Client netmask as a prefix length: 0..32 for an IPv4 service, 0..128 for IPv6. */
        public Builder persistenceNetmask(int prefixLength) {
            int max = maxPrefix(address);
            if (prefixLength < 0 || prefixLength > max) {
                throw new IllegalArgumentException("persistenceNetmask must be 0.." + max + " but was "
                        + prefixLength);
            }
            this.persistenceNetmask = prefixLength;
            return this;
        }

        /** Minimum live weight for the service to be up; default {@value VirtualService#DEFAULT_QUORUM}. */
        public Builder quorum(int quorum) {
            if (quorum < 0) {
                throw new IllegalArgumentException("quorum must be >= 0 but was " + quorum);
            }
            this.quorum = quorum;
            return this;
        }

        /** Tolerance around the quorum; default 0. */
        public Builder hysteresis(int hysteresis) {
            if (hysteresis < 0) {
                throw new IllegalArgumentException("hysteresis must be >= 0 but was " + hysteresis);
            }
            this.hysteresis = hysteresis;
            return this;
        }

        /** The sorry server; {@code null} for none. */
        public Builder sorryServer(@Nullable InetSocketAddress sorryServer) {
            this.sorryServer = sorryServer == null ? null : Addresses.checkResolved("sorryServer", sorryServer);
            return this;
        }

        /** The most connections accepted at once; 0 (the default) means no limit. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 0) {
                throw new IllegalArgumentException("maxConnections must be >= 0 but was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** One-packet scheduling for UDP (IPVS {@code -o}); default off. */
        public Builder onePacket(boolean onePacket) {
            this.onePacket = onePacket;
            return this;
        }

        /**
         * UDP only: a flow is owed {@code responses} replies per datagram it relays to its real server, and ends right
         * after the last owed reply has been relayed to the client (nginx's {@code proxy_responses}: with 1, a flow
         * that relayed two queries before either answer ends with the second answer), so that a request/response
         * protocol such as DNS holds no flow between queries; the client's next datagram opens a new flow, scheduled
         * afresh. 0 (the default) sets no limit: a flow lives until it expires or is evicted. Replies beyond the
         * owed ones are dropped.
         *
         * @param responses 0..{@value VirtualService#MAX_UDP_RESPONSES}
         */
        public Builder udpResponses(int responses) {
            if (responses < 0 || responses > MAX_UDP_RESPONSES) {
                throw new IllegalArgumentException("udpResponses must be 0 (no limit).." + MAX_UDP_RESPONSES
                        + " but was " + responses);
            }
            this.udpResponses = responses;
            return this;
        }

        /**
         * Slow start (Envoy's {@code slow_start_config}, HAProxy's {@code slowstart}): a real server that joins or
         * comes back up takes a share of new connections that grows over this window instead of its full weight at
         * once. {@link Duration#ZERO} (the default) turns it off. Schedulers that keep no weights (rr, lc, dh, sh,
         * mh, fo, ovf, ring) reject a window when the director builds them.
         */
        public Builder slowStart(Duration window) {
            Objects.requireNonNull(window, "slowStart");
            if (window.isNegative()) {
                throw new IllegalArgumentException("slowStart must be >= 0 but was " + window);
            }
            this.slowStart = window;
            return this;
        }

        /** Adds a real server; its address must not already be listed. */
        public Builder realServer(RealServer realServer) {
            Objects.requireNonNull(realServer, "realServer");
            for (RealServer rs : realServers) {
                if (rs.address().equals(realServer.address())) {
                    throw new IllegalArgumentException("realServer " + Addresses.format(realServer.address())
                            + " is listed twice in virtual service " + protocol + " " + Addresses.format(address));
                }
            }
            realServers.add(realServer);
            return this;
        }

        /** Adds real servers; see {@link #realServer(RealServer)}. */
        public Builder realServers(Iterable<RealServer> servers) {
            for (RealServer rs : servers) {
                realServer(rs);
            }
            return this;
        }

        /** Removes the real server at {@code address}, if listed. */
        public Builder removeRealServer(InetSocketAddress address) {
            realServers.removeIf(rs -> rs.address().equals(address));
            return this;
        }

        /**
         * Builds the virtual service.
         *
         * @throws IllegalArgumentException if one-packet scheduling or a UDP reply limit is asked of a TCP service,
         *     or the sorry server is also listed as a real server
         */
        public VirtualService build() {
            if (onePacket && protocol != Protocol.UDP) {
                throw new IllegalArgumentException("onePacket applies to UDP services only, not " + protocol);
            }
            if (udpResponses != 0 && protocol != Protocol.UDP) {
                throw new IllegalArgumentException("udpResponses applies to UDP services only, not " + protocol);
            }
            if (sorryServer != null) {
                Set<InetSocketAddress> addresses = new HashSet<>();
                realServers.forEach(rs -> addresses.add(rs.address()));
                if (addresses.contains(sorryServer)) {
                    throw new IllegalArgumentException("sorryServer " + Addresses.format(sorryServer)
                            + " is also a real server of " + protocol + " " + Addresses.format(address));
                }
            }
            return new VirtualService(this);
        }
    }
}
