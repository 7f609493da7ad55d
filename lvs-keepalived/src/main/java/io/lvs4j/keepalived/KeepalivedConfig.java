package io.lvs4j.keepalived;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HttpGet;
import io.lvs4j.keepalived.internal.ConfigNode;
import io.lvs4j.keepalived.internal.ConfigParser;
import io.lvs4j.keepalived.internal.ConfigSchema;
import io.lvs4j.keepalived.internal.ServiceBuild;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A keepalived.conf turned into what lvs4j runs: virtual services with their real servers and checkers, VRRP
 * instances with their tracked scripts, virtual addresses and notify commands, and sync groups. {@link #load} parses,
 * checks the keywords (the internal {@code ConfigSchema}) and then the meaning (unknown groups and scripts, duplicate
 * services, unreadable key files), and builds every object a start or a reload builds (real servers with their thresholds,
 * virtual services with their schedulers and flags, failover settings, tracked scripts: {@code ServiceBuild}), each
 * refusal an error at its place; a configuration is returned only when no error was found.
 *
 * <p>Defaults are keepalived's where lvs4j has the same setting: {@code delay_loop} 60 s, {@code connect_timeout}
 * 5 s, {@code retry} 1, {@code delay_before_retry} 1 s, {@code persistence_timeout} without a value 360 s,
 * {@code advert_int} 1 s, {@code priority} 100, {@code garp_master_delay} 5 s and {@code garp_master_repeat} 5.
 */
public final class KeepalivedConfig {

    /**
     * The UDP port of an instance's adverts when its lvs4j block names none is this plus its virtual_router_id
     * (5101..5355): both nodes agree on it, and instances on one address do not collide.
     */
    public static final int FAILOVER_PORT_BASE = 5100;
    /** keepalived's default multicast group for VRRP adverts. */
    public static final String DEFAULT_MULTICAST_GROUP = "224.0.0.18";

    private static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_PERSISTENCE = Duration.ofSeconds(360);
    /** VrrpConfig's field names, and the keepalived keyword each one comes from. */
    private static final Map<String, String> VRRP_KEYWORD_OF_FIELD = Map.of("priority", "priority",
            "advertInterval", "advert_int", "preemptDelay", "preempt_delay", "advertsPerInterval",
            "advert_per_interval", "key", "key_file", "routerId", "virtual_router_id");

    private final String routerId;
    private final List<Service> services;
    private final List<Instance> instances;
    private final List<SyncGroup> syncGroups;
    private final List<ConfigProblem> warnings;
    private final String vrrpText;

    private KeepalivedConfig(String routerId, List<Service> services, List<Instance> instances,
            List<SyncGroup> syncGroups, List<ConfigProblem> warnings, String vrrpText) {
        this.routerId = routerId;
        this.services = List.copyOf(services);
        this.instances = List.copyOf(instances);
        this.syncGroups = List.copyOf(syncGroups);
        this.warnings = List.copyOf(warnings);
        this.vrrpText = vrrpText;
    }

    /** A file's problems (errors and warnings, in file order) and, when it has no error, its configuration. */
    public record Result(@Nullable KeepalivedConfig config, List<ConfigProblem> problems) {
        /** Copies the list. */
        public Result {
            problems = List.copyOf(problems);
        }

        /** The number of errors. */
        public long errors() {
            return problems.stream().filter(ConfigProblem::error).count();
        }
    }

    /**
     * Reads {@code file} (and what it includes) and turns it into a configuration.
     *
     * @throws ConfigException on a syntax error (an unclosed block or quote, a bad include)
     */
    public static Result load(Path file) throws ConfigException {
        return of(ConfigParser.parse(file));
    }

    /**
     * {@code file} as {@code keepalived -t} would show it: includes inlined, comments gone, canonically indented.
     *
     * @throws ConfigException on a syntax error (an unclosed block or quote, a bad include)
     */
    public static String resolved(Path file) throws ConfigException {
        return render(ConfigParser.parse(file));
    }

    /** Turns parsed statements into a configuration, or the errors that stop it. */
    static Result of(List<ConfigNode> nodes) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigSchema.check(nodes));
        if (problems.stream().anyMatch(ConfigProblem::error)) {
            return new Result(null, problems);
        }
        Translator t = new Translator(problems);
        KeepalivedConfig config = t.translate(nodes);
        return new Result(problems.stream().anyMatch(ConfigProblem::error) ? null : config, problems);
    }

    /** global_defs router_id, or the host's name as keepalived uses. */
    public String routerId() {
        return routerId;
    }

    /** The virtual services, a virtual_server_group expanded into one per address. */
    public List<Service> services() {
        return services;
    }

    /** The VRRP instances. */
    public List<Instance> instances() {
        return instances;
    }

    /** The sync groups. */
    public List<SyncGroup> syncGroups() {
        return syncGroups;
    }

    /** The warnings found while loading. */
    public List<ConfigProblem> warnings() {
        return warnings;
    }

    /**
     * The VRRP part of the file (global garp settings, vrrp_script, vrrp_instance, vrrp_sync_group) as canonical
     * text: two files with equal text here have the same failover setup.
     */
    public String vrrpText() {
        return vrrpText;
    }

    /**
     * A virtual_server.
     *
     * @param position where it is declared
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
     */
    public record Service(ConfigPosition position, Protocol protocol, InetSocketAddress address,
            String scheduler, Set<String> flags, boolean onePacket, Duration persistence, int persistenceNetmask,
            int quorum, int hysteresis, @Nullable InetSocketAddress sorryServer, boolean omega, boolean haSuspend,
            List<String> quorumUp, List<String> quorumDown, List<Real> realServers) {

        /** Copies the collections. */
        public Service {
            flags = Set.copyOf(flags);
            quorumUp = List.copyOf(quorumUp);
            quorumDown = List.copyOf(quorumDown);
            realServers = List.copyOf(realServers);
        }

        /** {@code TCP 10.0.0.1:80}, as ipvsadm names a service. */
        public String name() {
            return protocol + " " + io.lvs4j.api.Addresses.format(address);
        }

        /** The virtual service, its real servers made by {@code realServer}. */
        public VirtualService toVirtualService(Function<Real, RealServer> realServer) {
            VirtualService.Builder b = VirtualService.builder(protocol, address).scheduler(scheduler)
                    .schedulerFlags(flags.toArray(new String[0])).onePacket(onePacket).quorum(quorum)
                    .hysteresis(hysteresis).sorryServer(sorryServer);
            if (!persistence.isZero()) {
                b.persistenceTimeout(persistence).persistenceNetmask(persistenceNetmask);
            }
            realServers.forEach(r -> b.realServer(realServer.apply(r)));
            return b.build();
        }
    }

    /**
     * A real_server.
     *
     * @param address its address
     * @param weight weight
     * @param upperThreshold uthreshold, 0 for none
     * @param lowerThreshold lthreshold, 0 for none
     * @param notifyUp notify_up command, empty for none
     * @param notifyDown notify_down command, empty for none
     * @param checks its checkers; all must pass; none: always up
     * @param health how its checks run
     */
    public record Real(InetSocketAddress address, int weight, int upperThreshold, int lowerThreshold,
            List<String> notifyUp, List<String> notifyDown, List<Check> checks, HealthMonitorConfig health) {

        /** Copies the lists. */
        public Real {
            notifyUp = List.copyOf(notifyUp);
            notifyDown = List.copyOf(notifyDown);
            checks = List.copyOf(checks);
        }

        /** A new real server with these settings. */
        public RealServer newRealServer() {
            return RealServer.builder(address).weight(weight).upperThreshold(upperThreshold)
                    .lowerThreshold(lowerThreshold).build();
        }
    }

    /** The checkers of keepalived. */
    public enum CheckKind {
        /** TCP_CHECK. */
        TCP,
        /** HTTP_GET. */
        HTTP,
        /** SSL_GET. */
        SSL,
        /** MISC_CHECK. */
        MISC,
        /** DNS_CHECK. */
        DNS,
        /** SMTP_CHECK. */
        SMTP,
        /** UDP_CHECK. */
        UDP
    }

    /**
     * One checker of a real server.
     *
     * @param kind which
     * @param connectTimeout connect_timeout (misc_timeout for MISC_CHECK)
     * @param connectTo connect_ip and connect_port, or {@code null} for the real server's own address
     * @param http the request of HTTP_GET and SSL_GET, else {@code null}
     * @param command MISC_CHECK's misc_path, split in words
     * @param dynamic MISC_CHECK's misc_dynamic
     * @param dnsType DNS_CHECK's type
     * @param dnsName DNS_CHECK's name
     * @param helo SMTP_CHECK's helo_name
     * @param payload UDP_CHECK's payload
     * @param requireReply UDP_CHECK's require_reply
     */
    public record Check(CheckKind kind, Duration connectTimeout, @Nullable InetSocketAddress connectTo,
            @Nullable HttpGet http, List<String> command, boolean dynamic, String dnsType, String dnsName,
            String helo, byte[] payload, boolean requireReply) {
        /** Copies the list. */
        public Check {
            command = List.copyOf(command);
            payload = payload.clone();
        }

        /** Equal when every field is, the payload by its bytes (so a reload tells a changed checker apart). */
        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Check c && kind == c.kind && connectTimeout.equals(c.connectTimeout)
                    && java.util.Objects.equals(connectTo, c.connectTo) && java.util.Objects.equals(http, c.http)
                    && command.equals(c.command) && dynamic == c.dynamic && dnsType.equals(c.dnsType)
                    && dnsName.equals(c.dnsName) && helo.equals(c.helo) && java.util.Arrays.equals(payload, c.payload)
                    && requireReply == c.requireReply;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, connectTimeout, connectTo, http, command, dynamic, dnsType, dnsName,
                    helo, java.util.Arrays.hashCode(payload), requireReply);
        }
    }

    /**
     * A vrrp_instance.
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
     * @param maxFlows the lvs4j block's max_flows: the instance's director's UDP flow limit; 0 for the default
     * @param maxConnections the lvs4j block's max_conns: the instance's director's TCP connection limit; 0 for the
     *     default
     */
    public record Instance(ConfigPosition position, String name, String device, int routerId, int priority,
            Duration advertInterval, boolean preempt, Duration preemptDelay, @Nullable InetAddress source, int port,
            List<InetSocketAddress> peers, @Nullable InetAddress multicastGroup, List<VirtualAddress> virtualAddresses,
            List<Track> tracks, List<String> notifyChange, List<String> notifyMaster, List<String> notifyBackup,
            List<String> notifyFault, List<String> notifyStop, Duration garpDelay, int garpRepeat,
            Duration garpRefresh, byte @Nullable [] key, int keyId, boolean insecure, int advertsPerInterval,
            int maxFlows, int maxConnections) {

        /** Copies the lists. */
        public Instance {
            peers = List.copyOf(peers);
            virtualAddresses = List.copyOf(virtualAddresses);
            tracks = List.copyOf(tracks);
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
                java.net.NetworkInterface nic = java.net.NetworkInterface.getByName(device);
                if (nic != null) {
                    for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                        if (a instanceof Inet4Address) {
                            return new InetSocketAddress(a, port);
                        }
                    }
                }
            } catch (java.net.SocketException e) {
                // said below
            }
            throw new IllegalArgumentException("vrrp_instance " + name + " (" + position + "): interface " + device
                    + " has no IPv4 address on this host to send its multicast adverts from; give mcast_src_ip");
        }

        /** Whether {@code address} is one of this instance's virtual addresses. */
        public boolean holds(InetAddress address) {
            return virtualAddresses.stream().anyMatch(v -> v.address().equals(address));
        }
    }

    /**
     * A line of virtual_ipaddress.
     *
     * @param address the address
     * @param prefixLength its prefix (32 or 128 when not given, as keepalived)
     * @param device its dev, or the instance's interface
     */
    public record VirtualAddress(InetAddress address, int prefixLength, String device) {
        /**
         * Whether lvs4j leaves the address alone: a loopback address is always on this host, so it is not added
         * with ip addr nor announced; the director only binds its services while master.
         */
        public boolean loopback() {
            return address.isLoopbackAddress();
        }
    }

    /**
     * A tracked vrrp_script.
     *
     * @param script the vrrp_script's name
     * @param command its command, in words
     * @param interval its interval
     * @param timeout its timeout
     * @param weight the weight (the track_script line's, else the script's): 0 puts the instance in FAULT while the
     *     script fails; above 0 is added to the priority while it succeeds; below 0 is added while it fails
     * @param rise successes in a row before it counts as up
     * @param fall failures in a row before it counts as down
     */
    public record Track(String script, List<String> command, Duration interval, Duration timeout, int weight,
            int rise, int fall) {
        /**
         * Copies the list and checks the times and counts.
         *
         * @throws IllegalArgumentException when interval or timeout is under 1 ms, or rise or fall under 1
         */
        public Track {
            command = List.copyOf(command);
            if (interval.toMillis() < 1 || timeout.toMillis() < 1) {
                throw new IllegalArgumentException("vrrp_script " + script + ": interval and timeout must be at "
                        + "least 0.001 s but were " + interval + " and " + timeout);
            }
            if (rise < 1 || fall < 1) {
                throw new IllegalArgumentException("vrrp_script " + script + ": rise and fall must be at least 1 but "
                        + "were " + rise + " and " + fall);
            }
        }
    }

    /**
     * A vrrp_sync_group.
     *
     * @param name its name
     * @param members the instances' names
     * @param notifyChange notify (every change)
     * @param notifyMaster notify_master
     * @param notifyBackup notify_backup
     * @param notifyFault notify_fault
     */
    public record SyncGroup(String name, List<String> members, List<String> notifyChange, List<String> notifyMaster,
            List<String> notifyBackup, List<String> notifyFault) {
        /** Copies the lists. */
        public SyncGroup {
            members = List.copyOf(members);
        }
    }

    /** Turns checked statements into the records above, adding errors for what the schema cannot see. */
    private static final class Translator {
        private final List<ConfigProblem> problems;
        private final Map<String, ConfigNode> groups = new LinkedHashMap<>();
        private final Map<String, ConfigNode> scripts = new LinkedHashMap<>();
        private @Nullable ConfigNode global;

        Translator(List<ConfigProblem> problems) {
            this.problems = problems;
        }

        void error(ConfigPosition at, String message) {
            problems.add(new ConfigProblem(true, at, message));
        }

        KeepalivedConfig translate(List<ConfigNode> nodes) {
            StringBuilder vrrp = new StringBuilder();
            for (ConfigNode n : nodes) {
                switch (n.keyword()) {
                    case "global_defs" -> global = n;
                    case "virtual_server_group" -> groups.put(n.args().get(0).text(), n);
                    case "vrrp_script" -> scripts.put(n.args().get(0).text(), n);
                    default -> { }
                }
                if (n.keyword().startsWith("vrrp_") || n.keyword().equals("global_defs")) {
                    render(n, vrrp, "");
                }
            }
            String routerId = global == null ? null : text(global, "router_id");
            if (routerId == null) {
                try {
                    routerId = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    routerId = "lvs4j";
                }
            }
            List<Service> services = new ArrayList<>();
            List<Instance> instances = new ArrayList<>();
            List<SyncGroup> syncGroups = new ArrayList<>();
            Map<String, ConfigPosition> seen = new LinkedHashMap<>();
            for (ConfigNode n : nodes) {
                int errorsBefore = errors();
                try {
                    translateOne(n, services, instances, seen);
                } catch (RuntimeException e) {
                    // a value the checks above let through and a builder refused: an error here, never a crash
                    if (errors() == errorsBefore) {
                        error(n.position(), n.keyword() + " cannot be built: " + e.getMessage());
                    }
                }
            }
            for (ConfigNode n : nodes) {
                if (n.keyword().equals("vrrp_sync_group")) {
                    syncGroups.add(syncGroup(n, instances));
                }
            }
            List<ConfigProblem> warnings = problems.stream().filter(p -> !p.error()).toList();
            return new KeepalivedConfig(routerId, services, instances, syncGroups, warnings, vrrp.toString());
        }

        int errors() {
            return (int) problems.stream().filter(ConfigProblem::error).count();
        }

        private void translateOne(ConfigNode n, List<Service> services, List<Instance> instances,
                Map<String, ConfigPosition> seen) {
            switch (n.keyword()) {
                case "virtual_server" -> {
                    for (Service s : services(n)) {
                        ConfigPosition before = seen.putIfAbsent(s.name(), n.position());
                        if (before != null) {
                            error(n.position(), "virtual_server " + s.name() + " is already declared at "
                                    + before);
                        } else {
                            services.add(s);
                        }
                    }
                }
                case "vrrp_instance" -> {
                    Instance i = instance(n);
                    if (i != null) {
                        Instance clash = instances.stream().filter(o -> o.source() != null
                                && o.source().equals(i.source()) && o.port() == i.port()).findFirst()
                                .orElse(null);
                        if (instances.stream().anyMatch(o -> o.name().equals(i.name()))) {
                            error(n.position(), "vrrp_instance " + i.name() + " is declared twice");
                        } else if (clash != null) {
                            error(n.position(), "vrrp_instance " + i.name() + " would send and receive its "
                                    + "adverts on " + io.lvs4j.api.Addresses.format(new InetSocketAddress(
                                    i.source(), i.port())) + ", as vrrp_instance " + clash.name() + " ("
                                    + clash.position() + ") does: give one of them another failover_port in "
                                    + "its lvs4j block");
                        } else {
                            instances.add(i);
                        }
                    }
                }
                default -> { }
            }
        }

        private List<Service> services(ConfigNode vs) {
            int errorsBefore = errors();
            List<ConfigNode.Arg> a = vs.args();
            List<InetSocketAddress> addresses = new ArrayList<>();
            if (a.get(0).text().equals("group")) {
                ConfigNode group = groups.get(a.get(1).text());
                if (group == null) {
                    error(a.get(1).position(), "virtual_server group '" + a.get(1).text() + "' names no "
                            + "virtual_server_group" + near(a.get(1).text(), groups.keySet()));
                    return List.of();
                }
                for (ConfigNode line : group.block()) {
                    addresses.addAll(groupLine(line));
                }
            } else {
                addresses.add(socket(a.get(0).text(), a.get(1).text()));
            }
            Protocol protocol = "UDP".equalsIgnoreCase(text(vs, "protocol")) ? Protocol.UDP : Protocol.TCP;
            String scheduler = first(text(vs, "lb_algo"), text(vs, "lvs_sched"), VirtualService.DEFAULT_SCHEDULER)
                    .toLowerCase(Locale.ROOT);
            Set<String> flags = new LinkedHashSet<>();
            for (String f : List.of("sh-port", "sh-fallback", "mh-port", "mh-fallback")) {
                if (has(vs, f)) {
                    flags.add(f);
                }
            }
            Duration persistence = Duration.ZERO;
            ConfigNode p = node(vs, "persistence_timeout");
            if (p != null) {
                persistence = p.args().isEmpty() ? DEFAULT_PERSISTENCE
                        : Duration.ofSeconds(Long.parseLong(p.args().get(0).text()));
            }
            int netmask = 32;
            ConfigNode g = node(vs, "persistence_granularity");
            if (g != null) {
                netmask = granularity(g);
            }
            ConfigNode sorry = node(vs, "sorry_server");
            InetSocketAddress sorryServer = sorry == null ? null
                    : socket(sorry.args().get(0).text(), sorry.args().get(1).text());
            List<Real> reals = new ArrayList<>();
            Set<InetSocketAddress> realAddresses = new LinkedHashSet<>();
            for (ConfigNode rs : vs.block()) {
                if (!rs.keyword().equals("real_server")) {
                    continue;
                }
                Real r = real(rs, vs);
                if (!realAddresses.add(r.address())) {
                    error(rs.position(), "real_server " + io.lvs4j.api.Addresses.format(r.address()) + " is listed "
                            + "twice in this virtual_server");
                } else {
                    reals.add(r);
                }
            }
            List<Service> out = new ArrayList<>();
            for (InetSocketAddress address : addresses) {
                if (netmask > 32 && address.getAddress() instanceof Inet4Address) {
                    netmask = 32;
                }
                out.add(new Service(vs.position(), protocol, address, scheduler, flags, has(vs, "ops"), persistence,
                        netmask, intOr(vs, "quorum", 1), intOr(vs, "hysteresis", 0), sorryServer, has(vs, "omega"),
                        has(vs, "ha_suspend"),
                        words(text(vs, "quorum_up")), words(text(vs, "quorum_down")), reals));
            }
            if (errors() == errorsBefore && !out.isEmpty()) {
                build(out.get(0), vs); // the addresses of a group differ in nothing a build checks
            }
            return out;
        }

        /** Builds what a director builds of {@code s} (as a reload does), turning a refusal into an error here. */
        private void build(Service s, ConfigNode vs) {
            for (String flag : s.flags()) {
                try {
                    ServiceBuild.scheduler(s.scheduler(), Set.of(flag));
                } catch (IllegalArgumentException e) {
                    error(java.util.Objects.requireNonNull(node(vs, flag)).position(), flag + ": "
                            + e.getMessage());
                    return;
                }
            }
            try {
                ServiceBuild.virtualService(s, Real::newRealServer);
            } catch (IllegalArgumentException e) {
                String keyword = ServiceBuild.keywordOf(String.valueOf(e.getMessage()));
                ConfigNode blamed = keyword == null ? null : node(vs, keyword);
                error(blamed != null ? blamed.position() : vs.position(), "virtual_server " + s.name() + ": "
                        + e.getMessage());
            }
        }

        /** A virtual_server_group line: {@code IP PORT} or {@code IP-LAST PORT} (a range of the last byte). */
        private List<InetSocketAddress> groupLine(ConfigNode line) {
            if (line.keyword().equals("fwmark")) {
                error(line.position(), "fwmark in a virtual_server_group is kernel-only: a firewall mark is set by "
                        + "netfilter, which a user-space director does not see");
                return List.of();
            }
            if (line.args().size() != 1) {
                error(line.position(), "a virtual_server_group line must be 'IP PORT' or 'IP-LAST PORT' but was '"
                        + line.keyword() + "' with " + line.args().size() + " more words");
                return List.of();
            }
            String ip = line.keyword();
            String port = line.args().get(0).text();
            String badPort = ConfigSchema.range(1, 65535).check(List.of(port));
            if (badPort != null) {
                error(line.args().get(0).position(), "virtual_server_group port " + badPort);
                return List.of();
            }
            int dash = ip.lastIndexOf('-');
            if (dash < 0) {
                String bad = ConfigSchema.ip(ip);
                if (bad != null) {
                    error(line.position(), "virtual_server_group address " + bad);
                    return List.of();
                }
                return List.of(socket(ip, port));
            }
            String base = ip.substring(0, dash);
            String bad = ConfigSchema.ip(base);
            int dot = base.lastIndexOf('.');
            if (bad != null || dot < 0 || !ip.substring(dash + 1).matches("\\d{1,3}")) {
                error(line.position(), "virtual_server_group range must be like 10.0.0.1-10 but was '" + ip + "'");
                return List.of();
            }
            int from = Integer.parseInt(base.substring(dot + 1));
            int to = Integer.parseInt(ip.substring(dash + 1));
            if (to < from || to > 255) {
                error(line.position(), "virtual_server_group range " + ip + " must end at " + from + "..255");
                return List.of();
            }
            List<InetSocketAddress> out = new ArrayList<>();
            for (int i = from; i <= to; i++) {
                out.add(socket(base.substring(0, dot + 1) + i, port));
            }
            return out;
        }

        private int granularity(ConfigNode g) {
            String text = g.args().get(0).text();
            if (text.matches("\\d{1,3}")) {
                int prefix = Integer.parseInt(text);
                if (prefix <= 128) {
                    return prefix;
                }
            } else if (ConfigSchema.ip(text) == null) {
                try {
                    byte[] mask = InetAddress.getByName(text).getAddress();
                    int prefix = 0;
                    boolean ended = false;
                    boolean contiguous = true;
                    for (byte b : mask) {
                        for (int bit = 7; bit >= 0; bit--) {
                            boolean set = (b >> bit & 1) == 1;
                            if (set && ended) {
                                contiguous = false;
                            }
                            if (set) {
                                prefix++;
                            } else {
                                ended = true;
                            }
                        }
                    }
                    if (contiguous) {
                        return prefix;
                    }
                } catch (UnknownHostException e) {
                    // reported below
                }
            }
            error(g.args().get(0).position(), "persistence_granularity must be a netmask such as 255.255.255.0 or a "
                    + "prefix length but was '" + text + "'");
            return 32;
        }

        /** Checker settings that a checker takes from its real server, and that from its virtual server. */
        private record Inherited(ConfigNode vs, @Nullable ConfigNode rs) {
            @Nullable String get(ConfigNode checker, String keyword) {
                String v = text(checker, keyword);
                if (v == null && keyword.equals("retry")) {
                    v = text(checker, "nb_get_retry");
                }
                if (v == null && rs != null) {
                    v = text(rs, keyword);
                }
                return v == null ? text(vs, keyword) : v;
            }
        }

        private Real real(ConfigNode rs, ConfigNode vs) {
            InetSocketAddress address = socket(rs.args().get(0).text(), rs.args().get(1).text());
            Inherited inherited = new Inherited(vs, rs);
            List<Check> checks = new ArrayList<>();
            ConfigNode firstChecker = null;
            for (ConfigNode c : rs.block()) {
                CheckKind kind = switch (c.keyword()) {
                    case "TCP_CHECK" -> CheckKind.TCP;
                    case "HTTP_GET" -> CheckKind.HTTP;
                    case "SSL_GET" -> CheckKind.SSL;
                    case "MISC_CHECK" -> CheckKind.MISC;
                    case "DNS_CHECK" -> CheckKind.DNS;
                    case "SMTP_CHECK" -> CheckKind.SMTP;
                    case "UDP_CHECK" -> CheckKind.UDP;
                    default -> null;
                };
                if (kind == null) {
                    continue;
                }
                if (firstChecker == null) {
                    firstChecker = c;
                }
                checks.addAll(checks(kind, c, address, inherited));
            }
            ConfigNode settings = firstChecker == null ? rs : firstChecker;
            HealthMonitorConfig.Builder health = HealthMonitorConfig.builder()
                    .delayLoop(seconds(inherited.get(settings, "delay_loop"), DEFAULT_DELAY_LOOP))
                    .retry(Integer.parseInt(first(inherited.get(settings, "retry"), null, "1")))
                    .delayBeforeRetry(seconds(inherited.get(settings, "delay_before_retry"), Duration.ofSeconds(1)))
                    .alpha(has(vs, "alpha")).inhibitOnFailure(has(rs, "inhibit_on_failure")
                            || has(vs, "inhibit_on_failure"));
            String warmup = inherited.get(settings, "warmup");
            if (warmup != null) {
                health.warmup(seconds(warmup, Duration.ZERO));
            }
            String name = "real_server " + io.lvs4j.api.Addresses.format(address) + ": ";
            HealthMonitorConfig healthConfig;
            try {
                healthConfig = health.build();
            } catch (IllegalArgumentException e) {
                error(rs.position(), name + e.getMessage());
                healthConfig = HealthMonitorConfig.ofDefaults();
            }
            Real r = new Real(address, intOr(rs, "weight", 1), intOr(rs, "uthreshold", 0), intOr(rs, "lthreshold", 0),
                    words(text(rs, "notify_up")), words(text(rs, "notify_down")), checks, healthConfig);
            try {
                r.newRealServer(); // what a start or reload builds: thresholds are checked together here
            } catch (IllegalArgumentException e) {
                error(rs.position(), name + e.getMessage());
            }
            return r;
        }

        private List<Check> checks(CheckKind kind, ConfigNode c, InetSocketAddress real, Inherited inherited) {
            Duration timeout = seconds(inherited.get(c, "connect_timeout"), DEFAULT_CONNECT_TIMEOUT);
            InetSocketAddress connectTo = connectTo(c, real);
            String vhost = first(text(c, "virtualhost"), text(inherited.vs(), "virtualhost"), "");
            List<Check> out = new ArrayList<>();
            switch (kind) {
                case TCP -> out.add(check(kind, timeout, connectTo, null));
                case HTTP, SSL -> {
                    List<ConfigNode> urls = c.block().stream().filter(n -> n.keyword().equals("url")).toList();
                    if (urls.isEmpty()) {
                        error(c.position(), c.keyword() + " needs at least one url { path ... } block");
                    }
                    for (ConfigNode url : urls) {
                        HttpGet get = httpGet(url, kind == CheckKind.SSL, vhost, timeout);
                        if (get != null) {
                            out.add(check(kind, timeout, connectTo, get));
                        }
                    }
                }
                case MISC -> {
                    List<String> command = words(text(c, "misc_path"));
                    if (command.isEmpty()) {
                        error(c.position(), "MISC_CHECK needs misc_path");
                    }
                    Duration miscTimeout = seconds(text(c, "misc_timeout"), DEFAULT_CONNECT_TIMEOUT);
                    out.add(new Check(kind, miscTimeout, null, null, command, has(c, "misc_dynamic"), "", "", "",
                            new byte[0], false));
                }
                case DNS -> out.add(new Check(kind, timeout, connectTo, null, List.of(), false,
                        first(text(c, "type"), null, "SOA").toUpperCase(Locale.ROOT), first(text(c, "name"), null,
                        "."), "", new byte[0], false));
                case SMTP -> {
                    String helo = first(text(c, "helo_name"), null, "localhost");
                    List<ConfigNode> hosts = c.block().stream().filter(n -> n.keyword().equals("host")).toList();
                    if (hosts.isEmpty()) {
                        out.add(new Check(kind, timeout, connectTo, null, List.of(), false, "", "", helo,
                                new byte[0], false));
                    }
                    for (ConfigNode h : hosts) {
                        Duration t = seconds(text(h, "connect_timeout"), timeout);
                        out.add(new Check(kind, t, connectTo(h, real), null, List.of(), false, "", "", helo,
                                new byte[0], false));
                    }
                }
                case UDP -> {
                    String payload = text(c, "payload");
                    byte[] bytes = payload == null ? new byte[] {0} : hex(c, payload);
                    out.add(new Check(kind, timeout, connectTo, null, List.of(), false, "", "", "", bytes,
                            has(c, "require_reply")));
                }
                default -> throw new IllegalStateException(kind.name());
            }
            return out;
        }

        private static Check check(CheckKind kind, Duration timeout, @Nullable InetSocketAddress connectTo,
                @Nullable HttpGet get) {
            return new Check(kind, timeout, connectTo, get, List.of(), false, "", "", "", new byte[0], false);
        }

        private byte[] hex(ConfigNode c, String text) {
            if (!text.matches("([0-9A-Fa-f]{2})+")) {
                error(c.position(), "UDP_CHECK payload must be hexadecimal bytes such as 0a1b but was '" + text
                        + "'");
                return new byte[] {0};
            }
            return java.util.HexFormat.of().parseHex(text);
        }

        private @Nullable HttpGet httpGet(ConfigNode url, boolean tls, String vhost, Duration timeout) {
            String path = text(url, "path");
            if (path == null) {
                error(url.position(), "url needs a path");
                return null;
            }
            try {
                HttpGet.Builder b = HttpGet.builder(path).connectTimeout(timeout);
                ConfigNode status = node(url, "status_code");
                if (status != null) {
                    b.statusCodes(String.join(",", status.args().stream().map(ConfigNode.Arg::text).toList()));
                } else {
                    // keepalived: with neither status_code nor digest, any 2xx passes
                    b.statusCodes(HttpGet.DEFAULT_STATUS_CODES);
                }
                String digest = text(url, "digest");
                if (digest != null) {
                    b.digest(digest);
                }
                String regex = text(url, "regex");
                if (regex != null) {
                    b.regex(regex);
                }
                if (!vhost.isEmpty()) {
                    b.virtualHost(vhost);
                }
                if (tls) {
                    b.tls(false);
                }
                return b.build();
            } catch (IllegalArgumentException e) {
                error(url.position(), "url: " + e.getMessage());
                return null;
            }
        }

        private @Nullable InetSocketAddress connectTo(ConfigNode c, InetSocketAddress real) {
            String ip = text(c, "connect_ip");
            String port = text(c, "connect_port");
            if (ip == null && port == null) {
                return null;
            }
            return socket(ip == null ? real.getAddress().getHostAddress() : ip,
                    port == null ? Integer.toString(real.getPort()) : port);
        }

        private @Nullable Instance instance(ConfigNode n) {
            String name = n.args().get(0).text();
            String device = first(text(n, "interface"), null, "");
            ConfigNode lvs4j = node(n, "lvs4j");
            Integer routerId = text(n, "virtual_router_id") == null ? null : intOr(n, "virtual_router_id", 0);
            if (routerId == null) {
                error(n.position(), "vrrp_instance " + name + " needs virtual_router_id");
                return null;
            }
            int port = FAILOVER_PORT_BASE + routerId;
            if (lvs4j != null) {
                port = intOr(lvs4j, "failover_port", port);
            }
            List<InetSocketAddress> peers = new ArrayList<>();
            ConfigNode peerBlock = node(n, "unicast_peer");
            if (peerBlock != null) {
                for (ConfigNode line : peerBlock.block()) {
                    String bad = ConfigSchema.ip(line.keyword());
                    if (bad != null || !line.args().isEmpty()) {
                        error(line.position(), "unicast_peer " + (bad != null ? bad : "lines are one address each, "
                                + "but this one has " + (line.args().size() + 1) + " words"));
                    } else {
                        peers.add(socket(line.keyword(), Integer.toString(port)));
                    }
                }
            }
            String src = peers.isEmpty() ? text(n, "mcast_src_ip") : text(n, "unicast_src_ip");
            InetAddress multicast = null;
            if (peers.isEmpty()) {
                multicast = address(DEFAULT_MULTICAST_GROUP);
                if (device.isEmpty()) {
                    error(n.position(), "vrrp_instance " + name + " has no unicast_peer, so its adverts are "
                            + "multicast: it needs an interface");
                    return null;
                }
            } else if (src == null) {
                error(n.position(), "vrrp_instance " + name + " has unicast peers but no unicast_src_ip: lvs4j "
                        + "binds its adverts to that address");
                return null;
            }
            List<VirtualAddress> vips = new ArrayList<>();
            for (String block : List.of("virtual_ipaddress", "virtual_ipaddress_excluded")) {
                ConfigNode b = node(n, block);
                if (b != null) {
                    for (ConfigNode line : b.block()) {
                        VirtualAddress v = virtualAddress(line, device);
                        if (v != null) {
                            vips.add(v);
                        }
                    }
                }
            }
            List<Track> tracks = new ArrayList<>();
            ConfigNode trackBlock = node(n, "track_script");
            if (trackBlock != null) {
                for (ConfigNode line : trackBlock.block()) {
                    Track t = track(line);
                    if (t != null) {
                        tracks.add(t);
                    }
                }
            }
            byte[] key = null;
            int keyId = 1;
            boolean insecure = false;
            int perInterval = 1;
            if (lvs4j != null) {
                String keyFile = text(lvs4j, "key_file");
                if (keyFile != null) {
                    ConfigNode k = node(lvs4j, "key_file");
                    Path path = Path.of(k.position().file()).resolveSibling(keyFile);
                    try {
                        key = io.lvs4j.failover.KeyFile.read(path); // private, 16 B..4 KiB
                    } catch (IllegalArgumentException e) {
                        error(k.args().get(0).position(), "key_file " + e.getMessage());
                    } catch (IOException e) {
                        error(k.args().get(0).position(), "key_file " + path + " cannot be read: " + e);
                    }
                }
                keyId = intOr(lvs4j, "key_id", 1);
                insecure = has(lvs4j, "insecure");
                perInterval = intOr(lvs4j, "advert_per_interval", 1);
            }
            Duration garpDelay = seconds(first(text(n, "garp_master_delay"), global == null ? null
                    : text(global, "vrrp_garp_master_delay"), "5"), Duration.ofSeconds(5));
            int garpRepeat = Integer.parseInt(first(text(n, "garp_master_repeat"), global == null ? null
                    : text(global, "vrrp_garp_master_repeat"), "5"));
            Duration garpRefresh = seconds(first(text(n, "garp_master_refresh"), global == null ? null
                    : text(global, "vrrp_garp_master_refresh"), "0"), Duration.ZERO);
            Instance i = new Instance(n.position(), name, device, routerId, intOr(n, "priority", 100),
                    seconds(text(n, "advert_int"), Duration.ofSeconds(1)), !has(n, "nopreempt"),
                    seconds(text(n, "preempt_delay"), Duration.ZERO),
                    src == null ? null : address(src), port, peers, multicast, vips, tracks,
                    words(text(n, "notify")), words(text(n, "notify_master")), words(text(n, "notify_backup")),
                    words(text(n, "notify_fault")), words(text(n, "notify_stop")), garpDelay, garpRepeat,
                    garpRefresh, key, keyId, insecure, perInterval, lvs4j == null ? 0 : intOr(lvs4j, "max_flows", 0),
                    lvs4j == null ? 0 : intOr(lvs4j, "max_conns", 0));
            try {
                // the failover's settings as a start builds them; where adverts leave from is the host's business
                // (an interface's address), so loopback stands in for an instance without a source address (a
                // failover refuses to bind a wildcard)
                KeepalivedDirector.vrrp(i, new InetSocketAddress(src == null ? address("127.0.0.1") : address(src),
                        port), true);
            } catch (IllegalArgumentException e) {
                String keyword = VRRP_KEYWORD_OF_FIELD.entrySet().stream().filter(f -> String.valueOf(
                        e.getMessage()).startsWith(f.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
                ConfigNode blamed = keyword == null ? null : node(n, keyword);
                if (blamed == null && keyword != null && lvs4j != null) {
                    blamed = node(lvs4j, keyword);
                }
                error(blamed != null ? blamed.position() : n.position(), "vrrp_instance " + name + ": "
                        + e.getMessage());
                return null;
            }
            return i;
        }

        /** {@code ADDRESS[/PREFIX] [dev IF] [label L] [scope S]...}; only dev matters to lvs4j. */
        private @Nullable VirtualAddress virtualAddress(ConfigNode line, String device) {
            String text = line.keyword();
            int slash = text.indexOf('/');
            String ip = slash < 0 ? text : text.substring(0, slash);
            String bad = ConfigSchema.ip(ip);
            if (bad != null) {
                error(line.position(), "virtual_ipaddress " + bad);
                return null;
            }
            InetAddress address = address(ip);
            int max = address instanceof Inet4Address ? 32 : 128;
            int prefix = max;
            if (slash >= 0) {
                String p = text.substring(slash + 1);
                if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
                    error(line.position(), "virtual_ipaddress prefix must be 0.." + max + " but was '" + p + "'");
                    return null;
                }
                prefix = Integer.parseInt(p);
            }
            String dev = device;
            List<ConfigNode.Arg> args = line.args();
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).text().equals("dev")) {
                    dev = args.get(i + 1).text();
                }
            }
            if (dev.isEmpty() && !address.isLoopbackAddress()) {
                error(line.position(), "virtual_ipaddress " + text + " needs 'dev IF' or the instance's interface");
                return null;
            }
            return new VirtualAddress(address, prefix, dev.isEmpty() ? "lo" : dev);
        }

        private @Nullable Track track(ConfigNode line) {
            String name = line.keyword();
            ConfigNode script = scripts.get(name);
            if (script == null) {
                error(line.position(), "track_script '" + name + "' names no vrrp_script" + near(name,
                        scripts.keySet()));
                return null;
            }
            int weight = weight(text(script, "weight"));
            List<ConfigNode.Arg> a = line.args();
            if (a.size() == 2 && a.get(0).text().equals("weight") && a.get(1).text().matches("[+-]?\\d{1,3}")) {
                weight = weight(a.get(1).text());
            } else if (!a.isEmpty()) {
                error(line.position(), "track_script lines are 'NAME' or 'NAME weight N'");
                return null;
            }
            List<String> command = words(text(script, "script"));
            if (command.isEmpty()) {
                error(script.position(), "vrrp_script " + name + " needs a script");
                return null;
            }
            Duration interval = seconds(text(script, "interval"), Duration.ofSeconds(1));
            Duration timeout = seconds(text(script, "timeout"), interval);
            try {
                return new Track(name, command, interval, timeout, weight, intOr(script, "rise", 1),
                        intOr(script, "fall", 1));
            } catch (IllegalArgumentException e) {
                error(script.position(), String.valueOf(e.getMessage()));
                return null;
            }
        }

        private static int weight(@Nullable String text) {
            return text == null ? 0 : Integer.parseInt(text.startsWith("+") ? text.substring(1) : text);
        }

        private SyncGroup syncGroup(ConfigNode n, List<Instance> instances) {
            List<String> members = new ArrayList<>();
            ConfigNode group = node(n, "group");
            if (group != null) {
                for (ConfigNode line : group.block()) {
                    String name = line.keyword();
                    if (instances.stream().noneMatch(i -> i.name().equals(name))) {
                        error(line.position(), "vrrp_sync_group " + n.args().get(0).text() + " lists '" + name
                                + "', which names no vrrp_instance" + near(name, instances.stream()
                                .map(Instance::name).toList()));
                    } else {
                        members.add(name);
                    }
                }
            }
            if (members.size() < 2) {
                error(n.position(), "vrrp_sync_group " + n.args().get(0).text() + " needs at least two instances "
                        + "in its group block");
            }
            return new SyncGroup(n.args().get(0).text(), members, words(text(n, "notify")),
                    words(text(n, "notify_master")), words(text(n, "notify_backup")), words(text(n, "notify_fault")));
        }

        private InetSocketAddress socket(String ip, String port) {
            return new InetSocketAddress(address(ip), Integer.parseInt(port));
        }

        private static InetAddress address(String literal) {
            try {
                return InetAddress.getByName(literal); // a literal, checked by the schema: never resolved
            } catch (UnknownHostException e) {
                throw new IllegalStateException(literal, e);
            }
        }

        private static String near(String word, java.util.Collection<String> known) {
            String n = ConfigSchema.closest(word, known);
            return n == null ? "" : "; did you mean '" + n + "'?";
        }
    }

    private static @Nullable ConfigNode node(ConfigNode parent, String keyword) {
        ConfigNode found = null;
        for (ConfigNode c : parent.block()) {
            if (c.keyword().equals(keyword)) {
                found = c; // the last one wins, as in keepalived
            }
        }
        return found;
    }

    private static @Nullable String text(ConfigNode parent, String keyword) {
        ConfigNode n = node(parent, keyword);
        if (n == null || n.args().isEmpty()) {
            return null;
        }
        return String.join(" ", n.args().stream().map(ConfigNode.Arg::text).toList());
    }

    private static boolean has(ConfigNode parent, String keyword) {
        return node(parent, keyword) != null;
    }

    private static int intOr(ConfigNode parent, String keyword, int fallback) {
        String t = text(parent, keyword);
        return t == null ? fallback : Integer.parseInt(t);
    }

    private static Duration seconds(@Nullable String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        return Duration.ofNanos(new java.math.BigDecimal(text).movePointRight(9).longValue());
    }

    private static String first(@Nullable String a, @Nullable String b, String fallback) {
        return a != null ? a : b != null ? b : fallback;
    }

    /** A command line split in words; empty for none. */
    static List<String> words(@Nullable String command) {
        return command == null || command.isBlank() ? List.of() : List.of(command.trim().split("\\s+"));
    }

    /** Appends {@code n} as it would be written, canonically indented. */
    static void render(ConfigNode n, StringBuilder out, String indent) {
        out.append(indent).append(n.keyword());
        for (ConfigNode.Arg a : n.args()) {
            String t = a.text();
            boolean quote = t.isEmpty() || t.chars().anyMatch(c -> " \t{}#!\"".indexOf(c) >= 0);
            out.append(' ').append(quote ? '"' + t.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : t);
        }
        if (n.children() == null) {
            out.append('\n');
        } else {
            out.append(" {\n");
            for (ConfigNode c : n.block()) {
                render(c, out, indent + "    ");
            }
            out.append(indent).append("}\n");
        }
    }

    /** The file as text, resolved (includes inlined, comments gone), as {@code keepalived -t} would show it. */
    static String render(List<ConfigNode> nodes) {
        StringBuilder sb = new StringBuilder();
        nodes.forEach(n -> render(n, sb, ""));
        return sb.toString();
    }
}
