package io.lvs4j.keepalived.internal;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.VirtualService;
import io.lvs4j.failover.KeyFile;
import io.lvs4j.forward.Transport;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HttpGet;
import io.lvs4j.keepalived.ConfigPosition;
import io.lvs4j.keepalived.ConfigProblem;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.spec.Check;
import io.lvs4j.keepalived.spec.CheckKind;
import io.lvs4j.keepalived.spec.DirectorSettings;
import io.lvs4j.keepalived.spec.DirectorSpec;
import io.lvs4j.keepalived.spec.Instance;
import io.lvs4j.keepalived.spec.Real;
import io.lvs4j.keepalived.spec.Service;
import io.lvs4j.keepalived.spec.SyncGroup;
import io.lvs4j.keepalived.spec.Track;
import io.lvs4j.keepalived.spec.VirtualAddress;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns a keepalived.conf's checked statements into a {@link DirectorSpec}, adding errors for what the schema cannot
 * see (unknown groups and scripts, duplicate services, unreadable key files) and building what a start builds
 * ({@link ServiceBuild}) so that a value a builder refuses is an error at its place.
 *
 * <p>Defaults are keepalived's where lvs4j has the same setting: {@code delay_loop} 60 s, {@code connect_timeout}
 * 5 s, {@code retry} 1, {@code delay_before_retry} 1 s, {@code persistence_timeout} without a value 360 s,
 * {@code advert_int} 1 s, {@code priority} 100, {@code garp_master_delay} 5 s and {@code garp_master_repeat} 5.
 */
public final class KeepalivedTranslator {

    private static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_PERSISTENCE = Duration.ofSeconds(360);
    /** VrrpConfig's field names, and the keepalived keyword each one comes from. */
    private static final Map<String, String> VRRP_KEYWORD_OF_FIELD = Map.of("priority", "priority",
            "advertInterval", "advert_int", "preemptDelay", "preempt_delay", "advertsPerInterval",
            "advert_per_interval", "key", "key_file", "routerId", "virtual_router_id");

    private final List<ConfigProblem> problems;
    private final Map<String, ConfigNode> groups = new LinkedHashMap<>();
    private final Map<String, ConfigNode> scripts = new LinkedHashMap<>();
    private @Nullable ConfigNode global;

    private KeepalivedTranslator(List<ConfigProblem> problems) {
        this.problems = problems;
    }

    void error(ConfigPosition at, String message) {
        problems.add(new ConfigProblem(true, at, message));
    }

    /**
     * The specification of {@code nodes} (already checked by {@link ConfigSchema#check}); every problem found is added
     * to {@code problems}. The result is meaningful only when no error was added.
     */
    public static DirectorSpec translate(List<ConfigNode> nodes, List<ConfigProblem> problems) {
        return new KeepalivedTranslator(problems).translate(nodes);
    }

    private DirectorSpec translate(List<ConfigNode> nodes) {
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
        return new DirectorSpec(routerId, services, instances, syncGroups, settings(), vrrp.toString());
    }

    /** The global lvs4j block: how every director forwards. */
    private DirectorSettings settings() {
        ConfigNode b = global == null ? null : node(global, "lvs4j");
        if (b == null) {
            return DirectorSettings.DEFAULTS;
        }
        DirectorSettings.Builder s = DirectorSettings.builder();
        String transport = text(b, "transport");
        if (transport != null) {
            s.transport(Transport.valueOf(transport.toUpperCase(Locale.ROOT)));
        }
        Duration connect = optionalSeconds(text(b, "connect_timeout"));
        if (connect != null) {
            s.connectTimeout(connect);
        }
        Duration idle = optionalSeconds(text(b, "idle_timeout"));
        if (idle != null) {
            s.idleTimeout(idle);
        }
        Duration unreplied = optionalSeconds(text(b, "udp_unreplied_timeout"));
        if (unreplied != null) {
            s.udpUnrepliedTimeout(unreplied);
        }
        Duration grace = optionalSeconds(text(b, "stop_grace"));
        if (grace != null) {
            s.stopGrace(grace);
        }
        try {
            return s.maxFlows(intOr(b, "max_flows", 0)).maxConnections(intOr(b, "max_conns", 0))
                    .events(has(b, "events")).build();
        } catch (IllegalArgumentException e) {
            error(b.position(), "lvs4j " + e.getMessage());
            return DirectorSettings.DEFAULTS;
        }
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
                                + "adverts on " + Addresses.format(new InetSocketAddress(
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
                error(rs.position(), "real_server " + Addresses.format(r.address()) + " is listed "
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
            Service.Builder b = Service.builder(vs.position(), protocol, address).scheduler(scheduler)
                    .onePacket(has(vs, "ops")).persistence(persistence).persistenceNetmask(netmask)
                    .quorum(intOr(vs, "quorum", 1)).hysteresis(intOr(vs, "hysteresis", 0)).sorryServer(sorryServer)
                    .omega(has(vs, "omega")).haSuspend(has(vs, "ha_suspend")).quorumUp(words(text(vs, "quorum_up")))
                    .quorumDown(words(text(vs, "quorum_down"))).realServers(reals);
            flags.forEach(b::flag);
            extensions(vs, b);
            out.add(b.build());
        }
        if (errors() == errorsBefore && !out.isEmpty()) {
            build(out.get(0), vs); // the addresses of a group differ in nothing a build checks
        }
        return out;
    }

    /** A virtual_server's lvs4j block: PROXY protocol, slow start, its connection limit, its UDP reply limit. */
    private static void extensions(ConfigNode vs, Service.Builder b) {
        ConfigNode x = node(vs, "lvs4j");
        if (x == null) {
            return;
        }
        String proxy = text(x, "proxy_protocol");
        if (proxy != null) {
            b.proxyProtocol(ProxyProtocol.valueOf(proxy.toUpperCase(Locale.ROOT)));
        }
        Duration slowStart = optionalSeconds(text(x, "slow_start"));
        if (slowStart != null) {
            b.slowStart(slowStart);
        }
        b.maxConnections(intOr(x, "max_conns", 0)).udpResponses(intOr(x, "udp_responses", 0));
    }

    /** Builds what a director builds of {@code s} (as a reload does), turning a refusal into an error here. */
    private void build(Service s, ConfigNode vs) {
        for (String flag : s.flags()) {
            try {
                ServiceBuild.scheduler(s.scheduler(), Set.of(flag));
            } catch (IllegalArgumentException e) {
                error(Objects.requireNonNull(node(vs, flag)).position(), flag + ": "
                        + e.getMessage());
                return;
            }
        }
        try {
            ServiceBuild.virtualService(s);
        } catch (IllegalArgumentException e) {
            String keyword = ServiceBuild.keywordOf(String.valueOf(e.getMessage()));
            ConfigNode blamed = keyword == null ? null : node(vs, keyword);
            ConfigNode extension = node(vs, "lvs4j");
            if (blamed == null && keyword != null && extension != null) {
                blamed = node(extension, keyword);
            }
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
        String name = "real_server " + Addresses.format(address) + ": ";
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
            // what a start or reload builds: thresholds are checked together here
            ServiceBuild.realServer(r, ProxyProtocol.NONE);
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
        return HexFormat.of().parseHex(text);
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
        int port = KeepalivedConfig.FAILOVER_PORT_BASE + routerId;
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
            multicast = address(KeepalivedConfig.DEFAULT_MULTICAST_GROUP);
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
                    key = KeyFile.read(path); // private, 16 B..4 KiB
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
        Instance.Builder ib = Instance.builder(n.position(), name, routerId).device(device)
                .priority(intOr(n, "priority", 100)).advertInterval(seconds(text(n, "advert_int"),
                        Duration.ofSeconds(1))).preempt(!has(n, "nopreempt"))
                .preemptDelay(seconds(text(n, "preempt_delay"), Duration.ZERO))
                .source(src == null ? null : address(src)).port(port).multicastGroup(multicast)
                .notify(words(text(n, "notify")), words(text(n, "notify_master")), words(text(n, "notify_backup")),
                        words(text(n, "notify_fault")), words(text(n, "notify_stop")))
                .garp(garpDelay, garpRepeat, garpRefresh).key(keyId, key).insecure(insecure)
                .advertsPerInterval(perInterval).limits(lvs4j == null ? 0 : intOr(lvs4j, "max_flows", 0),
                        lvs4j == null ? 0 : intOr(lvs4j, "max_conns", 0));
        peers.forEach(ib::peer);
        vips.forEach(ib::virtualAddress);
        tracks.forEach(ib::track);
        Instance i = ib.build();
        try {
            // the failover's settings as a start builds them; where adverts leave from is the host's business
            // (an interface's address), so loopback stands in for an instance without a source address (a
            // failover refuses to bind a wildcard)
            ServiceBuild.vrrp(i, new InetSocketAddress(src == null ? address("127.0.0.1") : address(src),
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

    private static String near(String word, Collection<String> known) {
        String n = ConfigSchema.closest(word, known);
        return n == null ? "" : "; did you mean '" + n + "'?";
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

    private static @Nullable Duration optionalSeconds(@Nullable String text) {
        return text == null ? null : seconds(text, Duration.ZERO);
    }

    private static Duration seconds(@Nullable String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        return Duration.ofNanos(new BigDecimal(text).movePointRight(9).longValue());
    }

    private static String first(@Nullable String a, @Nullable String b, String fallback) {
        return a != null ? a : b != null ? b : fallback;
    }

    /** A command line split in words; empty for none. */
    public static List<String> words(@Nullable String command) {
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
    public static String render(List<ConfigNode> nodes) {
        StringBuilder sb = new StringBuilder();
        nodes.forEach(n -> render(n, sb, ""));
        return sb.toString();
    }
}
