package io.lvs4j.keepalived.spec;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.VirtualService;
import io.lvs4j.keepalived.ConfigPosition;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A virtual service (keepalived's virtual_server): its address, scheduler, persistence, quorum and real servers.
 * Build one with {@link #builder}.
 *
 * @param position where it is declared (a file's line, or the flag it comes from)
 * @param protocol TCP or UDP
 * @param address its address
 * @param scheduler lb_algo
 * @param flags the scheduler flags (sh-port, sh-fallback, mh-port, mh-fallback)
 * @param onePacket ops
 * @param persistence persistence_timeout, zero when not persistent
 * @param persistenceNetmask persistence_granularity as a prefix length
 * @param quorum quorum
 * @param hysteresis hysteresis
 * @param sorryServer sorry_server
 * @param omega run quorum_down when the director stops (keepalived's omega)
 * @param haSuspend check its real servers only while the VRRP instance holding its address is master
 * @param quorumUp quorum_up command, empty for none
 * @param quorumDown quorum_down command, empty for none
 * @param realServers its real servers
 * @param proxyProtocol the PROXY protocol header sent to every real server (lvs4j block's proxy_protocol)
 * @param slowStart the slow-start window of a real server that comes back up, zero for none (slow_start)
 * @param maxConnections most connections at once to this service, 0 for no limit (the lvs4j block's max_conns)
 * @param udpResponses replies a UDP flow is owed before the director ends it, 0 for no limit (the lvs4j block's
 *     udp_responses, nginx's proxy_responses)
 * @param vrrpInstance the VRRP instance whose mastership gates this service, or {@code null} for keepalived's rule:
 *     the instance holding its address, if any
 */
public record Service(ConfigPosition position, Protocol protocol, InetSocketAddress address,
        String scheduler, Set<String> flags, boolean onePacket, Duration persistence, int persistenceNetmask,
        int quorum, int hysteresis, @Nullable InetSocketAddress sorryServer, boolean omega, boolean haSuspend,
        List<String> quorumUp, List<String> quorumDown, List<Real> realServers, ProxyProtocol proxyProtocol,
        Duration slowStart, int maxConnections, int udpResponses, @Nullable String vrrpInstance) {

    /** Copies the collections. */
    public Service {
        flags = Set.copyOf(flags);
        quorumUp = List.copyOf(quorumUp);
        quorumDown = List.copyOf(quorumDown);
        realServers = List.copyOf(realServers);
    }

    /** A builder for the service at {@code address}, with keepalived's defaults. */
    public static Builder builder(ConfigPosition position, Protocol protocol, InetSocketAddress address) {
        return new Builder(position, protocol, address);
    }

    /** A builder holding this service's settings. */
    public Builder toBuilder() {
        Builder b = builder(position, protocol, address).scheduler(scheduler).onePacket(onePacket)
                .persistence(persistence).persistenceNetmask(persistenceNetmask).quorum(quorum)
                .hysteresis(hysteresis).sorryServer(sorryServer).omega(omega).haSuspend(haSuspend).quorumUp(quorumUp)
                .quorumDown(quorumDown).proxyProtocol(proxyProtocol).slowStart(slowStart)
                .maxConnections(maxConnections).udpResponses(udpResponses).vrrpInstance(vrrpInstance);
        b.flags.addAll(flags);
        b.realServers.addAll(realServers);
        return b;
    }

    /** {@code TCP 10.0.0.1:80}, as ipvsadm names a service. */
    public String name() {
        return protocol + " " + Addresses.format(address);
    }

    /** Builds a {@link Service}; every setting but the address has keepalived's default. */
    public static final class Builder {
        private final ConfigPosition position;
        private final Protocol protocol;
        private final InetSocketAddress address;
        private String scheduler = VirtualService.DEFAULT_SCHEDULER;
        private final Set<String> flags = new LinkedHashSet<>();
        private boolean onePacket;
        private Duration persistence = Duration.ZERO;
        private int persistenceNetmask = 32;
        private int quorum = 1;
        private int hysteresis;
        private @Nullable InetSocketAddress sorryServer;
        private boolean omega;
        private boolean haSuspend;
        private List<String> quorumUp = List.of();
        private List<String> quorumDown = List.of();
        private final List<Real> realServers = new ArrayList<>();
        private ProxyProtocol proxyProtocol = ProxyProtocol.NONE;
        private Duration slowStart = Duration.ZERO;
        private int maxConnections;
        private int udpResponses;
        private @Nullable String vrrpInstance;

        private Builder(ConfigPosition position, Protocol protocol, InetSocketAddress address) {
            this.position = Objects.requireNonNull(position, "position");
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            this.address = Objects.requireNonNull(address, "address");
        }

        /** lb_algo; default {@value VirtualService#DEFAULT_SCHEDULER}. */
        public Builder scheduler(String scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Adds a scheduler flag (sh-port, sh-fallback, mh-port, mh-fallback). */
        public Builder flag(String flag) {
            flags.add(Objects.requireNonNull(flag, "flag"));
            return this;
        }

        /** ops: one-packet scheduling of UDP. */
        public Builder onePacket(boolean onePacket) {
            this.onePacket = onePacket;
            return this;
        }

        /** persistence_timeout; zero (the default) for none. */
        public Builder persistence(Duration persistence) {
            this.persistence = Objects.requireNonNull(persistence, "persistence");
            return this;
        }

        /** persistence_granularity as a prefix length; default 32. */
        public Builder persistenceNetmask(int prefixLength) {
            this.persistenceNetmask = prefixLength;
            return this;
        }

        /** quorum; default 1. */
        public Builder quorum(int quorum) {
            this.quorum = quorum;
            return this;
        }

        /** hysteresis; default 0. */
        public Builder hysteresis(int hysteresis) {
            this.hysteresis = hysteresis;
            return this;
        }

        /** sorry_server, or {@code null} for none. */
        public Builder sorryServer(@Nullable InetSocketAddress sorryServer) {
            this.sorryServer = sorryServer;
            return this;
        }

        /** omega: run quorum_down when the director stops. */
        public Builder omega(boolean omega) {
            this.omega = omega;
            return this;
        }

        /** ha_suspend: check only while the VRRP instance holding the address is master. */
        public Builder haSuspend(boolean haSuspend) {
            this.haSuspend = haSuspend;
            return this;
        }

        /** quorum_up command, in words; empty for none. */
        public Builder quorumUp(List<String> command) {
            this.quorumUp = List.copyOf(command);
            return this;
        }

        /** quorum_down command, in words; empty for none. */
        public Builder quorumDown(List<String> command) {
            this.quorumDown = List.copyOf(command);
            return this;
        }

        /** Adds a real server. */
        public Builder realServer(Real real) {
            realServers.add(Objects.requireNonNull(real, "real"));
            return this;
        }

        /** Adds real servers. */
        public Builder realServers(List<Real> reals) {
            reals.forEach(this::realServer);
            return this;
        }

        /** The PROXY protocol header sent to every real server; default none. */
        public Builder proxyProtocol(ProxyProtocol proxyProtocol) {
            this.proxyProtocol = Objects.requireNonNull(proxyProtocol, "proxyProtocol");
            return this;
        }

        /** The slow-start window of a real server that comes back up; zero (the default) for none. */
        public Builder slowStart(Duration window) {
            this.slowStart = Objects.requireNonNull(window, "slowStart");
            return this;
        }

        /** Most connections at once to this service; 0 (the default) for no limit. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** Replies a UDP flow is owed before the director ends it; 0 (the default) for no limit. */
        public Builder udpResponses(int responses) {
            this.udpResponses = responses;
            return this;
        }

        /** The VRRP instance that gates this service; {@code null} (the default): the one holding its address. */
        public Builder vrrpInstance(@Nullable String instance) {
            this.vrrpInstance = instance;
            return this;
        }

        /** The service; the values are checked when it is run (and by {@code KeepalivedConfig.load}). */
        public Service build() {
            return new Service(position, protocol, address, scheduler, flags, onePacket, persistence,
                    persistenceNetmask, quorum, hysteresis, sorryServer, omega, haSuspend, quorumUp, quorumDown,
                    realServers, proxyProtocol, slowStart, maxConnections, udpResponses, vrrpInstance);
        }
    }
}
