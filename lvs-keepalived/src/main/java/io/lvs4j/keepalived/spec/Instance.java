package io.lvs4j.keepalived.spec;

import io.lvs4j.keepalived.ConfigPosition;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A VRRP instance (keepalived's vrrp_instance): the failover group of the virtual services on its virtual addresses,
 * which are bound only while it is master. Build one with {@link #builder}.
 *
 * @param position where it is declared
 * @param name its name
 * @param device interface
 * @param routerId virtual_router_id
 * @param priority priority
 * @param advertInterval advert_int
 * @param preempt not nopreempt
 * @param preemptDelay preempt_delay
 * @param source unicast_src_ip or mcast_src_ip; {@code null} for the interface's first IPv4 address
 * @param port the UDP port of the adverts (the lvs4j block's failover_port)
 * @param peers unicast_peer, at the same port; empty for multicast
 * @param multicastGroup the multicast group when there are no unicast peers, else {@code null}
 * @param virtualAddresses virtual_ipaddress and virtual_ipaddress_excluded
 * @param tracks track_script
 * @param notifyChange notify (every change)
 * @param notifyMaster notify_master
 * @param notifyBackup notify_backup
 * @param notifyFault notify_fault
 * @param notifyStop notify_stop
 * @param garpDelay garp_master_delay
 * @param garpRepeat garp_master_repeat
 * @param garpRefresh garp_master_refresh
 * @param key the group's key (the lvs4j block's key_file), or {@code null}
 * @param keyId the lvs4j block's key_id
 * @param insecure the lvs4j block's insecure
 * @param advertsPerInterval the lvs4j block's advert_per_interval
 * @param maxFlows the lvs4j block's max_flows: the instance's director's UDP flow limit; 0 for the director-wide one
 * @param maxConnections the lvs4j block's max_conns: the instance's director's TCP connection limit; 0 for the
 *     director-wide one
 */
public record Instance(ConfigPosition position, String name, String device, int routerId, int priority,
        Duration advertInterval, boolean preempt, Duration preemptDelay, @Nullable InetAddress source, int port,
        List<InetSocketAddress> peers, @Nullable InetAddress multicastGroup, List<VirtualAddress> virtualAddresses,
        List<Track> tracks, List<String> notifyChange, List<String> notifyMaster, List<String> notifyBackup,
        List<String> notifyFault, List<String> notifyStop, Duration garpDelay, int garpRepeat,
        Duration garpRefresh, byte @Nullable [] key, int keyId, boolean insecure, int advertsPerInterval,
        int maxFlows, int maxConnections) {

    /** Copies the lists and the key. */
    public Instance {
        peers = List.copyOf(peers);
        virtualAddresses = List.copyOf(virtualAddresses);
        tracks = List.copyOf(tracks);
        key = key == null ? null : key.clone();
    }

    /** The key (a copy), or {@code null}. */
    @Override
    public byte @Nullable [] key() {
        return key == null ? null : key.clone();
    }

    /** A builder with keepalived's defaults for the instance {@code name} with {@code routerId}. */
    public static Builder builder(ConfigPosition position, String name, int routerId) {
        return new Builder(position, name, routerId);
    }

    /**
     * Where this node sends and receives adverts: the source address, or the interface's first IPv4 address.
     *
     * @throws IllegalArgumentException when there is no source and the interface has no IPv4 address here
     */
    public InetSocketAddress bind() {
        if (source != null) {
            return new InetSocketAddress(source, port);
        }
        try {
            NetworkInterface nic = NetworkInterface.getByName(device);
            if (nic != null) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return new InetSocketAddress(a, port);
                    }
                }
            }
        } catch (SocketException e) {
            // said below
        }
        throw new IllegalArgumentException("vrrp_instance " + name + " (" + position + "): interface " + device
                + " has no IPv4 address on this host to send its multicast adverts from; give mcast_src_ip");
    }

    /** Whether {@code address} is one of this instance's virtual addresses. */
    public boolean holds(InetAddress address) {
        return virtualAddresses.stream().anyMatch(v -> v.address().equals(address));
    }

    /** Builds an {@link Instance}; keepalived's defaults where it has them. */
    public static final class Builder {
        private final ConfigPosition position;
        private final String name;
        private final int routerId;
        private String device = "";
        private int priority = 100;
        private Duration advertInterval = Duration.ofSeconds(1);
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private @Nullable InetAddress source;
        private int port;
        private final List<InetSocketAddress> peers = new ArrayList<>();
        private @Nullable InetAddress multicastGroup;
        private final List<VirtualAddress> virtualAddresses = new ArrayList<>();
        private final List<Track> tracks = new ArrayList<>();
        private List<String> notifyChange = List.of();
        private List<String> notifyMaster = List.of();
        private List<String> notifyBackup = List.of();
        private List<String> notifyFault = List.of();
        private List<String> notifyStop = List.of();
        private Duration garpDelay = Duration.ofSeconds(5);
        private int garpRepeat = 5;
        private Duration garpRefresh = Duration.ZERO;
        private byte @Nullable [] key;
        private int keyId = 1;
        private boolean insecure;
        private int advertsPerInterval = 1;
        private int maxFlows;
        private int maxConnections;

        private Builder(ConfigPosition position, String name, int routerId) {
            this.position = Objects.requireNonNull(position, "position");
            this.name = Objects.requireNonNull(name, "name");
            this.routerId = routerId;
        }

        /** interface; needed for multicast adverts and virtual addresses without their own dev. */
        public Builder device(String device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /** priority; default 100. */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** advert_int; default 1 s. */
        public Builder advertInterval(Duration interval) {
            this.advertInterval = Objects.requireNonNull(interval, "advertInterval");
            return this;
        }

        /** Not nopreempt; default true. */
        public Builder preempt(boolean preempt) {
            this.preempt = preempt;
            return this;
        }

        /** preempt_delay; default 0. */
        public Builder preemptDelay(Duration delay) {
            this.preemptDelay = Objects.requireNonNull(delay, "preemptDelay");
            return this;
        }

        /** unicast_src_ip or mcast_src_ip; {@code null} (the default) for the interface's first IPv4 address. */
        public Builder source(@Nullable InetAddress source) {
            this.source = source;
            return this;
        }

        /** The UDP port of the adverts. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Adds a unicast_peer. */
        public Builder peer(InetSocketAddress peer) {
            peers.add(Objects.requireNonNull(peer, "peer"));
            return this;
        }

        /** The multicast group of the adverts, or {@code null} (the default) for unicast. */
        public Builder multicastGroup(@Nullable InetAddress group) {
            this.multicastGroup = group;
            return this;
        }

        /** Adds a virtual address. */
        public Builder virtualAddress(VirtualAddress address) {
            virtualAddresses.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /** Adds a tracked script. */
        public Builder track(Track track) {
            tracks.add(Objects.requireNonNull(track, "track"));
            return this;
        }

        /** notify, notify_master, notify_backup, notify_fault and notify_stop, in words (empty for none). */
        public Builder notify(List<String> change, List<String> master, List<String> backup, List<String> fault,
                List<String> stop) {
            this.notifyChange = List.copyOf(change);
            this.notifyMaster = List.copyOf(master);
            this.notifyBackup = List.copyOf(backup);
            this.notifyFault = List.copyOf(fault);
            this.notifyStop = List.copyOf(stop);
            return this;
        }

        /** garp_master_delay (default 5 s), garp_master_repeat (5) and garp_master_refresh (0: never). */
        public Builder garp(Duration delay, int repeat, Duration refresh) {
            this.garpDelay = Objects.requireNonNull(delay, "garpDelay");
            this.garpRepeat = repeat;
            this.garpRefresh = Objects.requireNonNull(refresh, "garpRefresh");
            return this;
        }

        /** The group's key and its id, or {@code null} for none. */
        public Builder key(int keyId, byte @Nullable [] key) {
            this.keyId = keyId;
            this.key = key == null ? null : key.clone();
            return this;
        }

        /** Run without a key (anyone can forge the adverts). */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /** advert_per_interval; default 1. */
        public Builder advertsPerInterval(int n) {
            this.advertsPerInterval = n;
            return this;
        }

        /** The UDP flow (0: director-wide) and TCP connection (0: director-wide) limits of its director. */
        public Builder limits(int maxFlows, int maxConnections) {
            this.maxFlows = maxFlows;
            this.maxConnections = maxConnections;
            return this;
        }

        /** The instance; the failover settings are checked when it is run (and by {@code KeepalivedConfig.load}). */
        public Instance build() {
            return new Instance(position, name, device, routerId, priority, advertInterval, preempt, preemptDelay,
                    source, port, peers, multicastGroup, virtualAddresses, tracks, notifyChange, notifyMaster,
                    notifyBackup, notifyFault, notifyStop, garpDelay, garpRepeat, garpRefresh, key, keyId, insecure,
                    advertsPerInterval, maxFlows, maxConnections);
        }
    }
}
