package io.lvs4j.failover;

import io.lvs4j.api.failover.Failover;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One director's membership in a failover group, as keepalived's {@code vrrp_instance} describes it: virtual router
 * id, priority, advert interval, preemption, the unicast peers, and the keys adverts are signed with. Immutable; build
 * with {@link #builder(int, InetSocketAddress)}.
 */
public final class VrrpConfig {

    /** The default advert interval: 1 s (100 centiseconds), as RFC 5798 and keepalived. */
    public static final Duration DEFAULT_ADVERT_INTERVAL = Duration.ofSeconds(1);
    /** The key of a group without one: public, so insecure. */
    private static final byte[] WELL_KNOWN_KEY =
            "lvs4j-insecure-well-known-key".getBytes(StandardCharsets.US_ASCII);

    private final int routerId;
    private final InetSocketAddress bind;
    private final List<InetSocketAddress> peers;
    private final @Nullable InetAddress multicastGroup;
    private final String multicastInterface;
    private final int priority;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final Duration preemptDelay;
    private final int advertsPerInterval;
    private final Map<Integer, byte[]> keys;
    private final int sendKeyId;
    private final boolean insecure;
    private final Duration freshnessWindow;

    private VrrpConfig(Builder b, boolean wellKnownKey) {
        this.routerId = b.routerId;
        this.bind = b.bind;
        this.peers = List.copyOf(b.peers);
        this.multicastGroup = b.multicastGroup;
        this.multicastInterface = b.multicastInterface;
        this.priority = b.priority;
        this.advertIntervalCentis = b.advertIntervalCentis;
        this.preempt = b.preempt;
        this.preemptDelay = b.preemptDelay;
        this.advertsPerInterval = b.advertsPerInterval;
        this.keys = wellKnownKey ? Map.of(0, WELL_KNOWN_KEY.clone()) : Map.copyOf(b.keys);
        this.sendKeyId = wellKnownKey ? 0 : b.sendKeyId;
        this.insecure = wellKnownKey;
        this.freshnessWindow = b.freshnessWindow;
    }

    /** Starts a builder for virtual router {@code routerId} (1..255) listening on {@code bind}. */
    public static Builder builder(int routerId, InetSocketAddress bind) {
        return new Builder(routerId, bind);
    }

    /** The virtual router id. */
    public int routerId() {
        return routerId;
    }

    /**
     * The address and port adverts are sent from and received on: this node's identity (carried inside each MAC'd
     * advert; peers refuse an advert whose datagram comes from anywhere else) and its tie-breaker.
     */
    public InetSocketAddress bind() {
        return bind;
    }

    /** The peers adverts are sent to. */
    public List<InetSocketAddress> peers() {
        return peers;
    }

    /** The multicast group adverts are sent to and received on (port: {@link #bind()}'s), or {@code null}. */
    public @Nullable InetAddress multicastGroup() {
        return multicastGroup;
    }

    /** The interface the multicast group is joined on; empty without multicast. */
    public String multicastInterface() {
        return multicastInterface;
    }

    /** The priority, 1..255. */
    public int priority() {
        return priority;
    }

    /** The advert interval in centiseconds. */
    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    /** Whether a higher-priority backup takes over from a running master. */
    public boolean preempt() {
        return preempt;
    }

    /** How long a backup lets a lower-priority master stay before preempting it (keepalived's preempt_delay). */
    public Duration preemptDelay() {
        return preemptDelay;
    }

    /** Adverts a master sends per interval (lvs4j extension; 1 is plain RFC 5798). */
    public int advertsPerInterval() {
        return advertsPerInterval;
    }

    /** Key id to secret; adverts signed with any of them verify. */
    public Map<Integer, byte[]> keys() {
        return keys;
    }

    /** The key id this node signs with. */
    public int sendKeyId() {
        return sendKeyId;
    }

    /**
     * Whether the node runs without a key: built with {@code insecure(true)} and no key, its adverts are signed with a
     * well-known key and anyone can forge them. With a key, always {@code false}.
     */
    public boolean insecure() {
        return insecure;
    }

    /**
     * How far a peer's wall clock may be from ours when one of its runs (boots) is first heard, and how far a known
     * run's uptime may fall behind our monotonic clock.
     */
    public Duration freshnessWindow() {
        return freshnessWindow;
    }

    /** Builds a {@link VrrpConfig}; setters fail fast naming the field and the value. */
    public static final class Builder {
        private final int routerId;
        private final InetSocketAddress bind;
        private final List<InetSocketAddress> peers = new ArrayList<>();
        private @Nullable InetAddress multicastGroup;
        private String multicastInterface = "";
        private int priority = Failover.PRIORITY_DEFAULT;
        private int advertIntervalCentis = 100;
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private int advertsPerInterval = 2;
        private final Map<Integer, byte[]> keys = new TreeMap<>();
        private int sendKeyId = -1;
        private boolean insecure;
        private Duration freshnessWindow = Duration.ofSeconds(10);

        Builder(int routerId, InetSocketAddress bind) {
            if (routerId < 1 || routerId > 255) {
                throw new IllegalArgumentException("routerId must be 1..255 but was " + routerId);
            }
            this.routerId = routerId;
            this.bind = Objects.requireNonNull(bind, "bind");
            if (bind.isUnresolved() || bind.getAddress().isAnyLocalAddress() || bind.getPort() == 0) {
                throw new IllegalArgumentException("bind must be this node's address and port (its identity in "
                        + "adverts), not a wildcard address or port 0, but was " + bind);
            }
        }

        /**
         * Sends and receives adverts on multicast group {@code group} (e.g. 239.255.18.18, same family as the bind
         * address) at the bind address's port, joined on interface {@code interfaceName}, as VRRP does on its LAN;
         * the bind address must be this node's address on that interface (its identity). Unicast peers may be added
         * as well. Every node of a group must use the same port.
         */
        public Builder multicast(InetAddress group, String interfaceName) {
            Objects.requireNonNull(group, "multicastGroup");
            Objects.requireNonNull(interfaceName, "multicastInterface");
            if (!group.isMulticastAddress()) {
                throw new IllegalArgumentException("multicastGroup must be a multicast address but was "
                        + group.getHostAddress());
            }
            if (group.getAddress().length != bind.getAddress().getAddress().length) {
                throw new IllegalArgumentException("multicastGroup " + group.getHostAddress()
                        + " must be of the bind address's family (" + bind.getAddress().getHostAddress() + ")");
            }
            if (interfaceName.isBlank()) {
                throw new IllegalArgumentException("multicastInterface must name an interface");
            }
            this.multicastGroup = group;
            this.multicastInterface = interfaceName;
            return this;
        }

        /** Adds a unicast peer. */
        public Builder peer(InetSocketAddress peer) {
            peers.add(Objects.requireNonNull(peer, "peer"));
            return this;
        }

        /** Priority 1..255; default 100; 255 is the address owner. */
        public Builder priority(int priority) {
            if (priority < 1 || priority > 255) {
                throw new IllegalArgumentException("priority must be 1..255 but was " + priority);
            }
            this.priority = priority;
            return this;
        }

        /** The advert interval, 10 ms to 40.95 s in 10 ms steps; default 1 s. */
        public Builder advertInterval(Duration interval) {
            long centis = interval.toMillis() / 10;
            if (centis < 1 || centis > 4095 || interval.toMillis() % 10 != 0) {
                throw new IllegalArgumentException("advertInterval must be 10ms..40950ms in 10 ms steps but was "
                        + interval);
            }
            this.advertIntervalCentis = (int) centis;
            return this;
        }

        /**
         * keepalived's {@code preempt_delay}: how long a backup lets a running master of lower priority stay master
         * before preempting it, counted from the first of its adverts heard; 0 s (the default) .. 1000 s.
         */
        public Builder preemptDelay(Duration delay) {
            Objects.requireNonNull(delay, "preemptDelay");
            if (delay.isNegative() || delay.compareTo(Duration.ofSeconds(1000)) > 0) {
                throw new IllegalArgumentException("preemptDelay must be 0..1000 s but was " + delay);
            }
            this.preemptDelay = delay;
            return this;
        }

        /** Preemption; default on ({@code nopreempt} turns it off). */
        public Builder preempt(boolean preempt) {
            this.preempt = preempt;
            return this;
        }

        /** Adverts per interval while master, 1..4; default 2. */
        public Builder advertsPerInterval(int n) {
            if (n < 1 || n > 4) {
                throw new IllegalArgumentException("advertsPerInterval must be 1..4 but was " + n);
            }
            this.advertsPerInterval = n;
            return this;
        }

        /** Adds a key (at least 16 bytes); the first key added is the one we sign with unless {@link #signWith}. */
        public Builder key(int keyId, byte[] secret) {
            if (keyId < 0 || keyId > 255) {
                throw new IllegalArgumentException("key id must be 0..255 but was " + keyId);
            }
            if (secret.length < 16) {
                throw new IllegalArgumentException("key " + keyId + " must be at least 16 bytes but was "
                        + secret.length);
            }
            keys.put(keyId, secret.clone());
            if (sendKeyId < 0) {
                sendKeyId = keyId;
            }
            return this;
        }

        /** Signs with {@code keyId} (one of the keys added), e.g. at the end of a key roll. */
        public Builder signWith(int keyId) {
            this.sendKeyId = keyId;
            return this;
        }

        /** Runs without a key: the user says so explicitly, as {@code --insecure}. */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /**
         * How far a peer's wall clock may be from ours when one of its runs is first heard (its later adverts are
         * judged on its monotonic uptime and sequence, so a clock step after that changes nothing); default 10 s.
         */
        public Builder freshnessWindow(Duration window) {
            if (window.toMillis() < 1) {
                throw new IllegalArgumentException("freshnessWindow must be >= 1ms but was " + window);
            }
            this.freshnessWindow = window;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException without a key unless insecure, or when signing with a key not added
         */
        public VrrpConfig build() {
            if (keys.isEmpty() && !insecure) {
                throw new IllegalArgumentException("a failover group needs a key (adverts are authenticated with "
                        + "HMAC-SHA256); to run without one, say insecure explicitly");
            }
            if (!keys.isEmpty() && !keys.containsKey(sendKeyId)) {
                throw new IllegalArgumentException("signWith names key " + sendKeyId + ", which was not added");
            }
            return new VrrpConfig(this, keys.isEmpty());
        }
    }
}
