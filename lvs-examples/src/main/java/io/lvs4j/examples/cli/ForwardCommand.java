package io.lvs4j.examples.cli;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.failover.KeyFile;
import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import io.lvs4j.failover.zookeeper.ZooKeeperFailover;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.DirectorBuilder;
import io.lvs4j.forward.DirectorConfig;
import io.lvs4j.forward.StatisticsTable;
import io.lvs4j.forward.Transport;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.AdminToken;
import io.lvs4j.keepalived.ConfigPosition;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.spec.Check;
import io.lvs4j.keepalived.spec.DirectorSettings;
import io.lvs4j.keepalived.spec.DirectorSpec;
import io.lvs4j.keepalived.spec.Instance;
import io.lvs4j.keepalived.spec.Real;
import io.lvs4j.keepalived.spec.Service;
import io.lvs4j.keepalived.spec.VirtualAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j forward}: an ad-hoc director in the spirit of {@code ipvsadm -A} and {@code -a}, in the foreground
 * until stopped. Thin: its flags become the {@link DirectorSpec} a keepalived.conf would give (one service, its real
 * servers and checks, an optional VRRP instance), run by the same {@link KeepalivedDirector} as {@code lvs4j
 * director}; a ZooKeeper failover, which lvs-keepalived does not build, is handed to it as an outside failover.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Run an ad-hoc director: one virtual service and its real servers, in the foreground.",
            "Stops gracefully on SIGTERM or Ctrl-C; prints its statistics on SIGUSR2 and at exit.",
            "Runs on the runtime of 'lvs4j director' (the flags become the specification a keepalived.conf would "
                    + "give); with --admin, 'lvs4j status', 'weight', 'drain', 'disable' and 'enable' work against "
                    + "it."})
final class ForwardCommand implements Callable<Integer> {

    /** Where a specification built from the flags comes from, for messages. */
    private static final ConfigPosition FLAGS = new ConfigPosition("lvs4j forward", 1, 1);

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "The virtual service's address.")
    String listen = "";

    @Option(names = "--real", required = true, paramLabel = "HOST:PORT[:WEIGHT]",
            description = "A real server (repeatable); weight 0..65535, default 1.")
    List<String> reals = List.of();

    @Option(names = "--scheduler", defaultValue = "wlc", paramLabel = "NAME",
            description = "Scheduler: rr wrr lc wlc sed nq lblc lblcr dh sh mh fo ovf twos random p2c ring. "
                    + "Default: ${DEFAULT-VALUE}.")
    String scheduler = "wlc";

    @Option(names = "--scheduler-flag", paramLabel = "FLAG", description = "A scheduler flag, e.g. sh-port.")
    List<String> flags = List.of();

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads. Default: one per core.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--persistence", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Persistence timeout (ipvsadm -p): 300, 300s, 5m, 0.5s; a bare number is seconds. "
                    + "Default: none.")
    Duration persistence = Duration.ZERO;

    @Option(names = "--proxy-protocol", paramLabel = "v1|v2", description = "Send a PROXY header to real servers.")
    String proxyProtocol = "";

    @Option(names = "--udp", description = "Forward UDP instead of TCP.")
    boolean udp;

    @Option(names = "--maxconn", paramLabel = "N", description = "Most connections at once; 0 = no limit.")
    int maxConnections;

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Most UDP flows at once (each holds a socket); a new flow beyond evicts the least recently "
                    + "active. Default: derived from the descriptor limit, ulimit -n (see docs/forwarding.md).")
    @Nullable Integer maxFlows;

    @Option(names = "--max-conns", paramLabel = "N",
            description = "Most TCP connections at once over the whole director (each holds two sockets); beyond, "
                    + "accepts wait as at --maxconn. Default: derived from the descriptor limit, ulimit -n.")
    @Nullable Integer maxConns;

    @Option(names = "--udp-responses", paramLabel = "N",
            description = "With --udp: end a flow once its real server has sent N replies per datagram it relayed "
                    + "(nginx's proxy_responses; 1 for DNS-like request/response), so the client's next datagram is "
                    + "scheduled afresh. "
                    + "0..65535; default 0 = no limit (a flow lives until it expires).")
    int udpResponses;

    @Option(names = "--udp-unreplied-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How long a UDP flow whose real server has not replied lives without a datagram. "
                    + "Default: 5s.")
    Duration udpUnrepliedTimeout = Duration.ofSeconds(5);

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class, description = "Connect timeout to real servers. Default: 5s.")
    Duration connectTimeout = Duration.ofSeconds(5);

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "900s",
            converter = DurationConverter.class, description = "Idle timeout of connections. Default: 900s.")
    Duration idleTimeout = Duration.ofSeconds(900);

    @Option(names = "--transport", paramLabel = "auto|epoll|io_uring|nio", defaultValue = "auto",
            description = "Netty transport. Default: auto (io_uring where the kernel offers it, else NIO; see "
                    + "docs/forwarding.md).")
    String transport = "auto";

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "Serve the admin endpoint here (lvs4j status, weight, drain, disable, enable; /metrics, "
                    + "the stats page), as 'lvs4j director' does. Default: none.")
    String admin = "";

    @Option(names = "--admin-remote", description = "Allow --admin on a non-loopback address.")
    boolean adminRemote;

    @Option(names = "--token-file", paramLabel = "PATH",
            description = "Where to write the admin token. Default: $LVS4J_HOME/admin-PORT.token, LVS4J_HOME "
                    + "defaulting to ~/.lvs4j.")
    @Nullable Path tokenFile;

    @Option(names = "--check", paramLabel = "tcp|http:PATH|https:PATH|udp|dns|exec:COMMAND",
            description = "Health check each real server: tcp (a TCP connect), http:PATH or https:PATH (a GET "
                    + "answering 200-299; https does not verify the certificate, as keepalived's SSL_GET), udp (a "
                    + "datagram; fails on ICMP port unreachable), dns (an SOA query for '.') or exec:COMMAND "
                    + "(MISC_CHECK: exit 0 up, else down; the server's IP and port are appended). Default: none.")
    String check = "";

    @Option(names = "--check-interval", paramLabel = "DURATION", defaultValue = "6s",
            converter = DurationConverter.class, description = "Time between checks (delay_loop). Default: 6s.")
    Duration checkInterval = Duration.ofSeconds(6);

    @Option(names = "--rise", paramLabel = "N", defaultValue = "1",
            description = "Passed checks in a row to bring a server up. Default: 1.")
    int rise = 1;

    @Option(names = "--fall", paramLabel = "N", defaultValue = "1",
            description = "Failed checks in a row to take a server down. Default: 1.")
    int fall = 1;

    @Option(names = "--quorum", paramLabel = "WEIGHT", defaultValue = "1",
            description = "Live weight below which the sorry server takes over. Default: 1.")
    int quorum = 1;

    @Option(names = "--sorry", paramLabel = "HOST:PORT",
            description = "The sorry server, used when no real server is available or the quorum is lost.")
    String sorry = "";

    @Option(names = "--failover", paramLabel = "vrrp|zookeeper",
            description = "Run as one director of an active-standby group: only the master binds --listen. vrrp: "
                    + "authenticated adverts between the directors (--router-id, --priority, --advert, --peer...); "
                    + "zookeeper: a leader election on a ZooKeeper ensemble (--zk...).")
    String failover = "";

    @Option(names = "--zk", paramLabel = "HOST:PORT,...", description = "The ZooKeeper ensemble (--failover zookeeper).")
    String zk = "";

    @Option(names = "--zk-path", paramLabel = "PATH", defaultValue = "/lvs4j",
            description = "Where lvs4j's nodes live in ZooKeeper. Default: ${DEFAULT-VALUE}.")
    String zkPath = "/lvs4j";

    @Option(names = "--zk-session-timeout", paramLabel = "DURATION", defaultValue = "6s",
            converter = DurationConverter.class,
            description = "ZooKeeper session timeout: about the takeover time after a director dies. Default: 6s.")
    Duration zkSessionTimeout = Duration.ofSeconds(6);

    @Option(names = "--router-id", paramLabel = "N", defaultValue = "51", description = "Virtual router id, 1..255.")
    int routerId = 51;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "100",
            description = "Failover priority, 1..255 (255: address owner). Default: 100.")
    int priority = 100;

    @Option(names = "--advert", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Advert interval, 10ms..40950ms in 10 ms steps. Default: 1s.")
    Duration advert = Duration.ofSeconds(1);

    @Option(names = "--failover-bind", paramLabel = "HOST:PORT",
            description = "Where this node sends and receives adverts: its identity in the group (no wildcard).")
    String failoverBind = "";

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "Another node of the group (repeatable).")
    List<String> peers = List.of();

    @Option(names = "--multicast", paramLabel = "GROUP",
            description = "Send and receive adverts on this multicast group (at --failover-bind's port), on "
                    + "--multicast-dev; --failover-bind is then this node's address on that interface.")
    String multicast = "";

    @Option(names = "--multicast-dev", paramLabel = "IF", description = "The interface of --multicast.")
    String multicastDevice = "";

    @Option(names = "--key-file", paramLabel = "PATH",
            description = "The group's shared secret (the file's bytes, at least 16), used as key id 1.")
    String keyFile = "";

    @Option(names = "--nopreempt", description = "Do not take over from a running master of lower priority.")
    boolean nopreempt;

    @Option(names = "--preempt-delay", paramLabel = "DURATION", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "How long to let a running master of lower priority stay before preempting it. Default: 0s.")
    Duration preemptDelay = Duration.ZERO;

    @Option(names = "--vip", paramLabel = "ADDRESS/PREFIX",
            description = "A virtual address to hold on --vip-dev while master (ip addr, then gratuitous ARP), as "
                    + "keepalived's virtual_ipaddress (repeatable; Linux, root).")
    List<String> vips = List.of();

    @Option(names = "--vip-dev", paramLabel = "IF", description = "The interface of the --vip addresses.")
    String vipDevice = "";

    @Option(names = "--garp-repeat", paramLabel = "N", defaultValue = "5",
            description = "Gratuitous ARPs per announcement (garp_master_repeat). Default: 5.")
    int garpRepeat = 5;

    @Option(names = "--garp-delay", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "A second announcement this long after becoming master (garp_master_delay). Default: 5s.")
    Duration garpDelay = Duration.ofSeconds(5);

    @Option(names = "--garp-refresh", paramLabel = "DURATION", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Announce again this often while master (garp_master_refresh). Default: never.")
    Duration garpRefresh = Duration.ZERO;

    @Option(names = "--notify", paramLabel = "COMMAND",
            description = "Run on every role change with: INSTANCE NAME STATE PRIORITY (keepalived's notify).")
    String notify = "";

    @Option(names = "--notify-master", paramLabel = "COMMAND", description = "Run on becoming master.")
    String notifyMaster = "";

    @Option(names = "--notify-backup", paramLabel = "COMMAND", description = "Run on becoming backup.")
    String notifyBackup = "";

    @Option(names = "--notify-fault", paramLabel = "COMMAND", description = "Run on entering fault.")
    String notifyFault = "";

    @Option(names = "--notify-stop", paramLabel = "COMMAND", description = "Run when the failover stops.")
    String notifyStop = "";

    @Option(names = "--insecure", description = "Run the failover group without a key (anyone can forge adverts).")
    boolean insecure;

    @Option(names = "--slow-start", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Slow-start window of a real server that comes back up (wrr wlc sed nq twos lblc lblcr "
                    + "random p2c). Default: off.")
    Duration slowStart = Duration.ZERO;

    @Option(names = "--events", description = "Print one line per real-server state or weight change, ejection and "
            + "failover role change, and when the director starts or stops serving: 'event EPOCH_MILLIS.MICROS KIND "
            + "DETAIL' (for scripts and the demo).")
    boolean events;

    @Mixin
    StopOptions stop = new StopOptions();

    @Mixin
    UpgradeOptions upgrade = new UpgradeOptions();

    @Override
    public Integer call() throws Exception {
        DirectorSpec spec;
        KeepalivedDirector director;
        Failover zooKeeper = null;
        try {
            spec = spec();
            if (failover.equals("zookeeper")) {
                zooKeeper = zooKeeper(spec.services().get(0));
            }
            KeepalivedDirector.Options options = new KeepalivedDirector.Options(threads, insecure, this::print,
                    zooKeeper);
            director = new KeepalivedDirector(spec, upgrade.applyTo(options));
        } catch (KeepalivedDirector.MissingKeyException e) {
            close(zooKeeper);
            throw usage("--failover vrrp: a failover group needs a key (adverts are authenticated with HMAC-SHA256): "
                    + "give --key-file PATH, or --insecure", e);
        } catch (IllegalArgumentException | picocli.CommandLine.TypeConversionException e) {
            close(zooKeeper);
            throw usage(String.valueOf(e.getMessage()), e);
        }
        return run(director, spec);
    }

    private picocli.CommandLine.ParameterException usage(String message, Exception cause) {
        return new picocli.CommandLine.ParameterException(this.spec.commandLine(), message, cause);
    }

    private static void close(@Nullable Failover f) {
        if (f != null) {
            f.close();
        }
    }

    /**
     * The flags as the specification a keepalived.conf would give: one service, its real servers, a failover.
     * Package-private for tests.
     */
    DirectorSpec spec() {
        ProxyProtocol proxy = switch (proxyProtocol.toLowerCase(Locale.ROOT)) {
            case "" -> ProxyProtocol.NONE;
            case "v1" -> ProxyProtocol.V1;
            case "v2" -> ProxyProtocol.V2;
            default -> throw new IllegalArgumentException("--proxy-protocol must be v1 or v2 but was '"
                    + proxyProtocol + "'");
        };
        Transport io = switch (transport.toLowerCase(Locale.ROOT)) {
            case "auto" -> Transport.AUTO;
            case "epoll" -> Transport.EPOLL;
            case "io_uring", "io-uring", "iouring" -> Transport.IO_URING;
            case "nio" -> Transport.NIO;
            default -> throw new IllegalArgumentException("--transport must be auto, epoll, io_uring or nio but was '"
                    + transport + "'");
        };
        DirectorSettings.Builder settings = DirectorSettings.builder().transport(io).connectTimeout(connectTimeout)
                .idleTimeout(idleTimeout).udpUnrepliedTimeout(udpUnrepliedTimeout)
                .stopGrace(stop.graceOr(Duration.ofSeconds(10)))
                .events(events);
        Integer flows = maxFlows;
        if (flows != null) {
            if (flows < 1) {
                throw new IllegalArgumentException("--max-flows must be >= 1 but was " + flows);
            }
            settings.maxFlows(flows);
        }
        Integer conns = maxConns;
        if (conns != null) {
            if (conns < 1) {
                throw new IllegalArgumentException("--max-conns must be >= 1 but was " + conns);
            }
            settings.maxConnections(conns);
        }
        if (!persistence.isZero() && persistence.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--persistence must be 0 (none) or at least 1s, as ipvsadm -p counts "
                    + "seconds, but was " + persistence.toMillis() + "ms");
        }
        if (udpResponses < 0 || udpResponses > VirtualService.MAX_UDP_RESPONSES) {
            throw new IllegalArgumentException("--udp-responses must be 0 (no limit).."
                    + VirtualService.MAX_UDP_RESPONSES + " but was " + udpResponses);
        }
        if (udpResponses != 0 && !udp) {
            throw new IllegalArgumentException("--udp-responses applies to UDP forwarding only: add --udp");
        }
        InetSocketAddress address = Endpoints.address("--listen", listen);
        Service.Builder service = Service.builder(FLAGS, udp ? Protocol.UDP : Protocol.TCP, address)
                .scheduler(scheduler.toLowerCase(Locale.ROOT)).maxConnections(maxConnections).quorum(quorum)
                .slowStart(slowStart).proxyProtocol(proxy).persistence(persistence).udpResponses(udpResponses)
                .persistenceNetmask(address.getAddress() instanceof Inet4Address ? 32 : 128);
        flags.forEach(service::flag);
        if (!sorry.isEmpty()) {
            service.sorryServer(Endpoints.address("--sorry", sorry));
        }
        List<Check> checks = List.of();
        HealthMonitorConfig health = HealthMonitorConfig.ofDefaults();
        if (!check.isEmpty()) {
            try {
                checks = List.of(Check.parse(check, connectTimeout));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--check " + e.getMessage(), e);
            }
            health = HealthMonitorConfig.builder().delayLoop(checkInterval).rise(rise).fall(fall).retry(0).build();
        }
        for (String r : reals) {
            RealServer parsed = Endpoints.realServer("--real", r);
            service.realServer(new Real(parsed.address(), parsed.weight(), 0, 0, List.of(), List.of(), checks,
                    health));
        }
        String name = (udp ? "UDP" : "TCP") + "-" + Endpoints.format(address);
        DirectorSpec.Builder spec = DirectorSpec.builder(routerName());
        if (failover.equals("vrrp")) {
            spec.instance(instance(name));
            service.vrrpInstance(name);
        } else if (!failover.isEmpty() && !failover.equals("zookeeper")) {
            throw new IllegalArgumentException("--failover must be vrrp or zookeeper but was '" + failover + "'");
        }
        return spec.service(service.build()).settings(settings.build()).build();
    }

    private static String routerName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lvs4j";
        }
    }

    /** The VRRP instance of --failover vrrp, named after the service (as its notify commands are told). */
    private Instance instance(String name) {
        if (failoverBind.isEmpty()) {
            throw new IllegalArgumentException("--failover vrrp needs --failover-bind HOST:PORT");
        }
        InetSocketAddress bind = Endpoints.address("--failover-bind", failoverBind);
        Instance.Builder i = Instance.builder(FLAGS, name, routerId).priority(priority).advertInterval(advert)
                .preempt(!nopreempt).preemptDelay(preemptDelay).insecure(insecure).source(bind.getAddress())
                .port(bind.getPort()).notify(words(notify), words(notifyMaster), words(notifyBackup),
                        words(notifyFault), words(notifyStop)).garp(garpDelay, garpRepeat, garpRefresh);
        for (String p : peers) {
            i.peer(Endpoints.address("--peer", p));
        }
        if (!multicast.isEmpty()) {
            if (multicastDevice.isEmpty()) {
                throw new IllegalArgumentException("--multicast needs --multicast-dev IF");
            }
            try {
                i.multicastGroup(InetAddress.getByName(multicast)).device(multicastDevice);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--multicast '" + multicast + "' is not an address", e);
            }
        }
        if (!keyFile.isEmpty()) {
            try {
                i.key(1, KeyFile.read(Path.of(keyFile)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--key-file " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IllegalArgumentException("--key-file " + keyFile + " cannot be read: " + e.getMessage(), e);
            }
        }
        if (!vips.isEmpty() && vipDevice.isEmpty()) {
            throw new IllegalArgumentException("--vip needs --vip-dev IF");
        }
        for (String vip : vips) {
            int slash = vip.indexOf('/');
            InetAddress address;
            int prefix;
            try {
                if (slash < 0) {
                    throw new NumberFormatException();
                }
                address = InetAddress.getByName(vip.substring(0, slash));
                prefix = Integer.parseInt(vip.substring(slash + 1));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("--vip '" + vip + "' must be ADDRESS/PREFIX, e.g. 10.0.0.100/24");
            }
            i.virtualAddress(new VirtualAddress(address, prefix, vipDevice));
        }
        return i.build();
    }

    private static List<String> words(String command) {
        return command.isBlank() ? List.of() : List.of(command.trim().split("\\s+"));
    }

    /**
     * A ZooKeeper failover: the group is named after the virtual service (e.g. {@code tcp-127.0.0.1-8080}), so
     * every director given the same --listen joins the same election; the id is this host's name and process id.
     */
    private Failover zooKeeper(Service service) {
        if (zk.isEmpty()) {
            throw new IllegalArgumentException("--failover zookeeper needs --zk HOST:PORT,...");
        }
        ZooKeeperConfig config = ZooKeeperConfig.builder(zk).namespace(zkPath).sessionTimeout(zkSessionTimeout)
                .build();
        String group = (service.protocol() + "-" + service.address().getAddress().getHostAddress() + "-"
                + service.address().getPort()).toLowerCase(Locale.ROOT).replace(':', '_').replace('%', '_');
        String host = routerName().replaceAll("[^A-Za-z0-9._-]", "_");
        return ZooKeeperFailover.create(config, group, host + "-" + ProcessHandle.current().pid());
    }

    /** Prints one event line; the runtime calls it one line at a time. */
    private void print(String line) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(line);
        out.flush();
    }

    private int run(KeepalivedDirector director, DirectorSpec spec) throws InterruptedException {
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        Service service = spec.services().get(0);
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            err.println("lvs4j forward: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            director.close();
            return 1;
        }
        AdminServer server = null;
        Path token = null;
        if (!admin.isEmpty()) {
            try {
                String secret = AdminToken.create();
                InetSocketAddress bind = Endpoints.address("--admin", admin);
                server = AdminHandover.start(() -> AdminServer.start(bind, adminRemote, secret, director,
                        Lvs4jCommand.metrics(director), () -> {
                            throw new IllegalStateException("lvs4j forward has no file to read again: its flags are "
                                    + "its configuration; restart it with new flags to change them");
                        }), upgrade.enabled());
                token = tokenFile != null ? tokenFile : AdminToken.defaultFile(server.address().getPort());
                AdminToken.write(token, secret);
            } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
                err.println("lvs4j forward: " + e.getMessage());
                if (server != null) {
                    server.close();
                }
                director.close();
                return 1;
            }
        }
        AdminServer endpoint = server;
        Path written = token;
        CountDownLatch stopped = new CountDownLatch(1);
        AdminHandover adminHandover = new AdminHandover();
        adminHandover.closeWhenSucceeded(director, endpoint);
        director.handedOver().thenRun(() -> {
            out.println("lvs4j forward: handed over to a successor and drained; exiting");
            out.flush();
            stopped.countDown();
        });
        Thread hook = new Thread(() -> {
            adminHandover.closeAtStop(endpoint, written);
            director.stop(spec.settings().stopGrace()).toCompletableFuture().join();
            out.print(StatisticsTable.format(director.statistics()));
            out.flush();
            stopped.countDown();
        }, "lvs4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.on("USR2", () -> {
            out.print(StatisticsTable.format(director.statistics()));
            out.flush();
        });
        int n = service.realServers().size();
        out.println("lvs4j forward: " + service.name() + " " + service.scheduler() + " -> " + n
                + (n == 1 ? " real server" : " real servers") + "; SIGUSR2 prints statistics, SIGTERM stops"
                + (endpoint == null ? "" : "; admin on http://" + Endpoints.format(endpoint.address()) + " (token in "
                + written + ")"));
        DirectorSettings s = spec.settings();
        DirectorConfig defaults = Director.builder().config();
        // UDP: the limit in effect, which on io_uring the heap bounds too; with --upgrade-socket AUTO is epoll
        Transport io = upgrade.enabled() && s.transport() == Transport.AUTO ? Transport.EPOLL : s.transport();
        out.println("lvs4j forward: at most " + (udp ? DirectorBuilder.effectiveMaxFlows(io,
                s.maxFlows() > 0 ? s.maxFlows() : defaults.maxFlows()) + " UDP flows" : (s.maxConnections() > 0 ? s.maxConnections() : defaults.maxConnections())
                + " TCP connections") + " (--max-" + (udp ? "flows" : "conns") + "; ulimit -n "
                + DirectorBuilder.descriptorLimit() + ")");
        out.flush();
        stopped.await();
        return 0;
    }
}
