package io.lvs4j.keepalived.spec;

import io.lvs4j.forward.DirectorBuilder;
import io.lvs4j.forward.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * How every director of a specification forwards, beyond its virtual services: what keepalived has no word for (a
 * keepalived.conf gives it in a global {@code lvs4j { }} block; {@code lvs4j forward} in its flags).
 *
 * @param transport the Netty transport (transport)
 * @param connectTimeout the connect timeout to real servers (connect_timeout)
 * @param idleTimeout the idle timeout of a proxied connection (idle_timeout)
 * @param udpUnrepliedTimeout how long a UDP flow whose real server has not replied lives (udp_unreplied_timeout)
 * @param maxFlows most UDP flows at once per director; 0 for the default derived from the descriptor limit
 *     (max_flows)
 * @param maxConnections most TCP connections at once per director; 0 for the default derived from the descriptor
 *     limit (max_conns)
 * @param stopGrace how long a stop waits for connections to finish (stop_grace)
 * @param events write one line per real-server state or weight change, ejection, role change and serving change
 *     (events)
 */
public record DirectorSettings(Transport transport, Duration connectTimeout, Duration idleTimeout,
        Duration udpUnrepliedTimeout, int maxFlows, int maxConnections, Duration stopGrace, boolean events) {

    /** The settings of a director that is given none: the library's defaults, a 10 s stop grace, no events. */
    public static final DirectorSettings DEFAULTS = builder().build();

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public DirectorSettings {
        Objects.requireNonNull(transport, "transport");
        positive("connectTimeout", connectTimeout);
        positive("idleTimeout", idleTimeout);
        positive("udpUnrepliedTimeout", udpUnrepliedTimeout);
        if (maxFlows < 0 || maxConnections < 0) {
            throw new IllegalArgumentException("maxFlows and maxConnections must be >= 0 (0: the default) but were "
                    + maxFlows + " and " + maxConnections);
        }
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stopGrace must be >= 0 but was " + stopGrace);
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + d);
        }
    }

    /** A builder with the defaults of {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return builder().transport(transport).connectTimeout(connectTimeout).idleTimeout(idleTimeout)
                .udpUnrepliedTimeout(udpUnrepliedTimeout).maxFlows(maxFlows).maxConnections(maxConnections)
                .stopGrace(stopGrace).events(events);
    }

    /** Builds {@link DirectorSettings}. */
    public static final class Builder {
        private Transport transport = Transport.AUTO;
        private Duration connectTimeout = Duration.ofMillis(DirectorBuilder.DEFAULT_CONNECT_TIMEOUT_MS);
        private Duration idleTimeout = Duration.ofSeconds(900);
        private Duration udpUnrepliedTimeout = Duration.ofMillis(DirectorBuilder.DEFAULT_UDP_UNREPLIED_TIMEOUT_MS);
        private int maxFlows;
        private int maxConnections;
        private Duration stopGrace = Duration.ofSeconds(10);
        private boolean events;

        private Builder() {
        }

        /** The Netty transport; default auto. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** Connect timeout to real servers; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Idle timeout of connections; default 900 s. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** Lifetime of an unreplied UDP flow without a datagram; default 5 s. */
        public Builder udpUnrepliedTimeout(Duration timeout) {
            this.udpUnrepliedTimeout = timeout;
            return this;
        }

        /** Most UDP flows per director; 0 (the default) derives it from the descriptor limit. */
        public Builder maxFlows(int maxFlows) {
            this.maxFlows = maxFlows;
            return this;
        }

        /** Most TCP connections per director; 0 (the default) derives it from the descriptor limit. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** How long a stop waits for connections; default 10 s. */
        public Builder stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        /** Write event lines; default off. */
        public Builder events(boolean events) {
            this.events = events;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the field that is out of range
         */
        public DirectorSettings build() {
            return new DirectorSettings(transport, connectTimeout, idleTimeout, udpUnrepliedTimeout, maxFlows,
                    maxConnections, stopGrace, events);
        }
    }
}
