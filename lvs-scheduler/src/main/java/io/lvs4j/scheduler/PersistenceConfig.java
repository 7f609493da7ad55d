package io.lvs4j.scheduler;

import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link PersistentScheduler} keeps clients on their real server (IPVS {@code -p timeout -M netmask}).
 * Immutable; build with {@link #builder()} or take a virtual service's settings with {@link #of(VirtualService)}.
 *
 * <p>Defaults: timeout 300 s, client netmask /32 for IPv4 and /128 for IPv6, any client port (the IPVS norm; a
 * port-specific template is IPVS's persistence on a single port), templates to a quiescent server expire at schedule
 * time ({@code expire_quiescent_template = 1}), at most {@value #DEFAULT_MAXIMUM_SIZE} templates, ages measured by
 * {@link CoarseTicker} (10 ms resolution).
 */
public final class PersistenceConfig {

    /** The template timeout when none is given: 300 s, as {@code ipvsadm -p}. */
    public static final Duration DEFAULT_TIMEOUT = VirtualService.DEFAULT_PERSISTENCE_TIMEOUT;
    /** The most templates kept before the least recently used are evicted: {@value}. */
    public static final long DEFAULT_MAXIMUM_SIZE = 1_000_000;

    private final Duration timeout;
    private final int ipv4Prefix;
    private final int ipv6Prefix;
    private final boolean portSpecific;
    private final boolean expireQuiescentTemplate;
    private final long maximumSize;
    private final Ticker ticker;

    private PersistenceConfig(Builder b) {
        this.timeout = b.timeout;
        this.ipv4Prefix = b.ipv4Prefix;
        this.ipv6Prefix = b.ipv6Prefix;
        this.portSpecific = b.portSpecific;
        this.expireQuiescentTemplate = b.expireQuiescentTemplate;
        this.maximumSize = b.maximumSize;
        this.ticker = b.ticker;
    }

    /** Starts a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The persistence settings of {@code service}: its timeout and its netmask for clients of its address family.
     *
     * @throws IllegalArgumentException if the service is not persistent
     */
    public static PersistenceConfig of(VirtualService service) {
        if (!service.isPersistent()) {
            throw new IllegalArgumentException("virtual service " + service.name() + " is not persistent");
        }
        Builder b = builder().timeout(service.persistenceTimeout());
        if (service.address().getAddress() instanceof Inet4Address) {
            b.ipv4Prefix(service.persistenceNetmask());
        } else {
            b.ipv6Prefix(service.persistenceNetmask());
        }
        return b.build();
    }

    /** How long a template lives after its last use. */
    public Duration timeout() {
        return timeout;
    }

    /** The prefix length IPv4 client addresses are masked to. */
    public int ipv4Prefix() {
        return ipv4Prefix;
    }

    /** The prefix length IPv6 client addresses are masked to. */
    public int ipv6Prefix() {
        return ipv6Prefix;
    }

    /** Whether a template is bound to the client's source port as well as its address; default false. */
    public boolean isPortSpecific() {
        return portSpecific;
    }

    /** Whether a template to a quiescent (weight 0) real server is dropped and the client rescheduled. */
    public boolean expireQuiescentTemplate() {
        return expireQuiescentTemplate;
    }

    /** The most templates kept. */
    public long maximumSize() {
        return maximumSize;
    }

    /** The ticker templates age by. */
    public Ticker ticker() {
        return ticker;
    }

    /** Builds a {@link PersistenceConfig}; setters fail fast naming the field and value. */
    public static final class Builder {
        private Duration timeout = DEFAULT_TIMEOUT;
        private int ipv4Prefix = 32;
        private int ipv6Prefix = 128;
        private boolean portSpecific;
        private boolean expireQuiescentTemplate = true;
        private long maximumSize = DEFAULT_MAXIMUM_SIZE;
        private Ticker ticker = CoarseTicker.get();

        Builder() {
        }

        /** Template timeout, at least 1 s. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("timeout must be >= 1s but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** IPv4 client netmask as a prefix length, 0..32. */
        public Builder ipv4Prefix(int prefix) {
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("ipv4Prefix must be 0..32 but was " + prefix);
            }
            this.ipv4Prefix = prefix;
            return this;
        }

        /** IPv6 client netmask as a prefix length, 0..128. */
        public Builder ipv6Prefix(int prefix) {
            if (prefix < 0 || prefix > 128) {
                throw new IllegalArgumentException("ipv6Prefix must be 0..128 but was " + prefix);
            }
            this.ipv6Prefix = prefix;
            return this;
        }

        /** Bind templates to the client port too; default false (any port). */
        public Builder portSpecific(boolean portSpecific) {
            this.portSpecific = portSpecific;
            return this;
        }

        /** Drop templates to quiescent servers at schedule time; default true. */
        public Builder expireQuiescentTemplate(boolean expire) {
            this.expireQuiescentTemplate = expire;
            return this;
        }

        /** The most templates kept, at least 1. */
        public Builder maximumSize(long maximumSize) {
            if (maximumSize < 1) {
                throw new IllegalArgumentException("maximumSize must be >= 1 but was " + maximumSize);
            }
            this.maximumSize = maximumSize;
            return this;
        }

        /** The ticker; default {@link CoarseTicker#get()} (10 ms resolution, cheap to read). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Builds the configuration. */
        public PersistenceConfig build() {
            return new PersistenceConfig(this);
        }
    }
}
