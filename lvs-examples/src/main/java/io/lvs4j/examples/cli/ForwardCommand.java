package io.lvs4j.examples.cli;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.RealServerEvent;
import io.lvs4j.failover.TakeoverAction;
import io.lvs4j.failover.TakeoverActions;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.DirectorBuilder;
import io.lvs4j.forward.StatisticsTable;
import io.lvs4j.forward.Transport;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import io.lvs4j.health.HttpGet;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j forward}: an ad-hoc director in the spirit of {@code ipvsadm -A} and {@code -a}, in the foreground
 * until stopped.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Run an ad-hoc director: one virtual service and its real servers, in the foreground.",
            "Stops gracefully on SIGTERM or Ctrl-C; prints its statistics on SIGUSR2 and at exit."})
final class ForwardCommand implements Callable<Integer> {

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

    @Option(names = "--persistence", paramLabel = "SECONDS", description = "Persistence timeout (ipvsadm -p).")
    int persistence;

    @Option(names = "--proxy-protocol", paramLabel = "v1|v2", description = "Send a PROXY header to real servers.")
    String proxyProtocol = "";

    @Option(names = "--udp", description = "Forward UDP instead of TCP.")
    boolean udp;

    @Option(names = "--maxconn", paramLabel = "N", description = "Most connections at once; 0 = no limit.")
    int maxConnections;

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Most UDP flows at once (each holds a socket); a new flow beyond evicts the least recently "
                    + "active. Default: derived from the descriptor limit, ulimit -n (see docs/forwarding.md).")
    @org.jspecify.annotations.Nullable Integer maxFlows;

    @Option(names = "--max-conns", paramLabel = "N",
            description = "Most TCP connections at once over the whole director (each holds two sockets); beyond, "
                    + "accepts wait as at --maxconn. Default: derived from the descriptor limit, ulimit -n.")
    @org.jspecify.annotations.Nullable Integer maxConns;

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

    @Option(names = "--stop-grace", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How long a stop waits for connections. Default: 10s.")
    Duration grace = Duration.ofSeconds(10);

    @Option(names = "--upgrade-socket", paramLabel = "PATH",
            description = "Hitless upgrade: take the listeners of the lvs4j forward running with the same option (if "
                    + "any), then listen at PATH for the next one; once that serves, stop accepting, drain for "
                    + "--upgrade-grace and exit. PATH's directory must be private (e.g. /run/lvs4j, 0700). Runs on "
                    + "epoll (see docs/operations.md).")
    java.nio.file.@org.jspecify.annotations.Nullable Path upgradeSocket;

    @Option(names = "--upgrade-grace", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "After handing over, how long established connections may take to finish. Default: 30s.")
    Duration upgradeGrace = Duration.ofSeconds(30);

    /** The settings of the director, for the start line. */
    private io.lvs4j.forward.@org.jspecify.annotations.Nullable DirectorConfig limits;

    @Override
    public Integer call() throws Exception {
        Director director;
        VirtualService service;
        try {
            service = service();
            director = director(service);
        } catch (IllegalArgumentException | picocli.CommandLine.TypeConversionException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return run(director, service);
    }

    private VirtualService service() {
        ProxyProtocol proxy = switch (proxyProtocol.toLowerCase(java.util.Locale.ROOT)) {
            case "" -> ProxyProtocol.NONE;
            case "v1" -> ProxyProtocol.V1;
            case "v2" -> ProxyProtocol.V2;
            default -> throw new IllegalArgumentException("--proxy-protocol must be v1 or v2 but was '"
                    + proxyProtocol + "'");
        };
        InetSocketAddress address = Endpoints.address("--listen", listen);
        VirtualService.Builder vs = VirtualService.builder(udp ? Protocol.UDP : Protocol.TCP, address)
                .scheduler(scheduler).schedulerFlags(flags.toArray(new String[0])).maxConnections(maxConnections)
                .quorum(quorum).slowStart(slowStart);
        if (!sorry.isEmpty()) {
            vs.sorryServer(Endpoints.address("--sorry", sorry));
        }
        if (persistence > 0) {
            vs.persistenceTimeout(Duration.ofSeconds(persistence));
        }
        for (String r : reals) {
            RealServer parsed = Endpoints.realServer("--real", r);
            vs.realServer(RealServer.builder(parsed.address()).weight(parsed.weight()).proxyProtocol(proxy).build());
        }
        return vs.build();
    }

    private Director director(VirtualService service) {
        Transport io = switch (transport.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Transport.AUTO;
            case "epoll" -> Transport.EPOLL;
            case "io_uring", "io-uring", "iouring" -> Transport.IO_URING;
            case "nio" -> Transport.NIO;
            default -> throw new IllegalArgumentException("--transport must be auto, epoll, io_uring or nio but was '"
                    + transport + "'");
        };
        DirectorBuilder builder = Director.builder().virtualService(service).ioThreads(threads).transport(io)
                .connectTimeout(connectTimeout).idleTimeout(idleTimeout).udpUnrepliedTimeout(udpUnrepliedTimeout);
        Integer flows = maxFlows;
        if (flows != null) {
            if (flows < 1) {
                throw new IllegalArgumentException("--max-flows must be >= 1 but was " + flows);
            }
            builder.maxFlows(flows);
        }
        Integer conns = maxConns;
        if (conns != null) {
            if (conns < 1) {
                throw new IllegalArgumentException("--max-conns must be >= 1 but was " + conns);
            }
            builder.maxConnections(conns);
        }
        java.nio.file.Path upgrade = upgradeSocket;
        if (upgrade != null) {
            builder.handoverSocket(upgrade, upgradeGrace).adoptFrom(upgrade);
        }
        limits = builder.config();
        if (!check.isEmpty()) {
            HealthMonitorConfig config = HealthMonitorConfig.custom().delayLoop(checkInterval).rise(rise).fall(fall)
                    .retry(0).build();
            String kind = check.toLowerCase(java.util.Locale.ROOT);
            if (kind.equals("tcp")) {
                builder.healthMonitor(HealthMonitors.create(config, checks -> checks.tcp(connectTimeout)));
            } else if (kind.startsWith("http:") || kind.startsWith("https:")) {
                boolean tls = kind.startsWith("https:");
                HttpGet.Builder get = HttpGet.path(check.substring(check.indexOf(':') + 1))
                        .connectTimeout(connectTimeout);
                if (tls) {
                    get.tls(false);
                }
                HttpGet spec = get.build();
                builder.healthMonitor(HealthMonitors.create(config, checks -> checks.http(spec)));
            } else if (kind.equals("udp")) {
                builder.healthMonitor(HealthMonitors.create(config,
                        checks -> checks.udp(new byte[] {0}, false, 0, 0, connectTimeout)));
            } else if (kind.equals("dns")) {
                builder.healthMonitor(HealthMonitors.create(config,
                        checks -> checks.dns("SOA", ".", connectTimeout)));
            } else if (kind.startsWith("exec:") && check.length() > 5) {
                List<String> command = words(check.substring(5));
                builder.healthMonitor(HealthMonitors.create(config,
                        checks -> checks.command(command, connectTimeout, false)));
            } else {
                throw new IllegalArgumentException("--check must be tcp, http:PATH, https:PATH, udp, dns or "
                        + "exec:COMMAND but was '" + check + "'");
            }
        }
        if (!failover.isEmpty()) {
            io.lvs4j.api.failover.Failover group = failover(service);
            builder.failover(group);
            List<TakeoverAction> actions = takeoverActions(service);
            if (!actions.isEmpty()) {
                TakeoverActions.attach(group,
                        actions.toArray(new TakeoverAction[0]));
            }
            if (events) {
                group.onRoleChange(change -> event("role", change.current() + " " + change.reason()));
            }
        }
        return builder.build();
    }

    private io.lvs4j.api.failover.Failover failover(VirtualService service) {
        if (failover.equals("zookeeper")) {
            return zooKeeper(service);
        }
        if (!failover.equals("vrrp")) {
            throw new IllegalArgumentException("--failover must be vrrp or zookeeper but was '" + failover + "'");
        }
        if (failoverBind.isEmpty()) {
            throw new IllegalArgumentException("--failover vrrp needs --failover-bind HOST:PORT");
        }
        io.lvs4j.failover.VrrpConfig.Builder vrrp = io.lvs4j.failover.VrrpConfig.builder(routerId,
                        Endpoints.address("--failover-bind", failoverBind))
                .priority(priority).advertInterval(advert).preempt(!nopreempt).preemptDelay(preemptDelay)
                .insecure(insecure);
        for (String p : peers) {
            vrrp.peer(Endpoints.address("--peer", p));
        }
        if (!multicast.isEmpty()) {
            if (multicastDevice.isEmpty()) {
                throw new IllegalArgumentException("--multicast needs --multicast-dev IF");
            }
            try {
                vrrp.multicast(java.net.InetAddress.getByName(multicast), multicastDevice);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("--multicast '" + multicast + "' is not an address", e);
            }
        }
        if (!keyFile.isEmpty()) {
            try {
                vrrp.key(1, io.lvs4j.failover.KeyFile.read(java.nio.file.Path.of(keyFile)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--key-file " + e.getMessage(), e);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--key-file " + keyFile + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new io.lvs4j.failover.VrrpFailover(vrrp.build());
    }

    /** The virtual addresses and notify commands asked for, as takeover actions. */
    private List<TakeoverAction> takeoverActions(VirtualService service) {
        List<TakeoverAction> actions = new java.util.ArrayList<>();
        if (!vips.isEmpty() && vipDevice.isEmpty()) {
            throw new IllegalArgumentException("--vip needs --vip-dev IF");
        }
        for (String vip : vips) {
            int slash = vip.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("--vip '" + vip + "' must be ADDRESS/PREFIX, e.g. 10.0.0.100/24");
            }
            java.net.InetAddress address;
            int prefix;
            try {
                address = java.net.InetAddress.getByName(vip.substring(0, slash));
                prefix = Integer.parseInt(vip.substring(slash + 1));
            } catch (java.net.UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("--vip '" + vip + "' must be ADDRESS/PREFIX, e.g. 10.0.0.100/24");
            }
            actions.add(TakeoverActions.virtualAddress(new TakeoverActions.VirtualAddress(address, prefix, vipDevice, garpRepeat, garpDelay, garpRefresh, List.of())));
        }
        if (!notify.isBlank()) {
            actions.add(TakeoverActions.notify(words(notify), service.name().replace(' ', '-'),
                    priority));
        }
        String[][] perRole = {{notifyMaster, "MASTER"}, {notifyBackup, "BACKUP"}, {notifyFault, "FAULT"},
            {notifyStop, "INIT"}};
        for (String[] r : perRole) {
            if (!r[0].isBlank()) {
                actions.add(TakeoverActions.onEntering(
                        io.lvs4j.api.failover.Role.valueOf(r[1]), words(r[0])));
            }
        }
        return actions;
    }

    private static List<String> words(String command) {
        return List.of(command.trim().split("\\s+"));
    }

    /**
     * A ZooKeeper failover: the group is named after the virtual service (e.g. {@code tcp-127.0.0.1-8080}), so
     * every director given the same --listen joins the same election; the id is this host's name and process id.
     */
    private io.lvs4j.api.failover.Failover zooKeeper(VirtualService service) {
        if (zk.isEmpty()) {
            throw new IllegalArgumentException("--failover zookeeper needs --zk HOST:PORT,...");
        }
        io.lvs4j.failover.zookeeper.ZooKeeperConfig config = io.lvs4j.failover.zookeeper.ZooKeeperConfig.builder(zk)
                .namespace(zkPath).sessionTimeout(zkSessionTimeout).build();
        String group = (service.protocol() + "-" + service.address().getAddress().getHostAddress() + "-"
                + service.address().getPort()).toLowerCase(java.util.Locale.ROOT).replace(':', '_').replace('%', '_');
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (java.net.UnknownHostException e) {
            host = "host";
        }
        return io.lvs4j.failover.zookeeper.ZooKeeperFailover.create(config, group, host + "-"
                + ProcessHandle.current().pid());
    }

    /**
     * Prints one event line, its time in milliseconds since the epoch with microseconds as decimals; called from
     * event loops and the failover thread, hence synchronized.
     */
    private synchronized void event(String kind, String detail) {
        PrintWriter out = spec.commandLine().getOut();
        java.time.Instant now = java.time.Instant.now();
        out.printf(java.util.Locale.ROOT, "event %d.%03d %s %s%n", now.toEpochMilli(), now.getNano() / 1000 % 1000,
                kind, detail);
        out.flush();
    }

    private void printEvents(VirtualService service) {
        for (RealServer rs : service.realServers()) {
            String name = Endpoints.format(rs.address());
            rs.onEvent(e -> {
                if (e instanceof RealServerEvent.StateChanged c) {
                    event("server", name + " " + c.current());
                } else if (e instanceof RealServerEvent.WeightChanged w) {
                    event("weight", name + " " + w.current());
                } else if (e instanceof RealServerEvent.EjectionChanged j) {
                    event(j.ejected() ? "ejected" : "returned", name);
                }
            });
        }
    }

    private int run(Director director, VirtualService service) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (events) {
            printEvents(service);
            director.onServingChange(now -> event(now ? "serving" : "not-serving", "-"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            director.stop(grace).toCompletableFuture().join();
            out.print(StatisticsTable.format(director.statistics()));
            out.flush();
            stopped.countDown();
        }, "lvs4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.on("USR2", () -> {
            out.print(StatisticsTable.format(director.statistics()));
            out.flush();
        });
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("lvs4j forward: " + e.getMessage());
            Runtime.getRuntime().removeShutdownHook(hook);
            director.close();
            return 1;
        }
        out.println("lvs4j forward: " + service.name() + " " + scheduler + " -> " + service.realServers().size()
                + (service.realServers().size() == 1 ? " real server" : " real servers")
                + "; SIGUSR2 prints statistics, SIGTERM stops");
        director.handedOver().thenRun(() -> {
            out.println("lvs4j forward: handed over to a successor and drained; exiting");
            out.flush();
            stopped.countDown();
        });
        io.lvs4j.forward.DirectorConfig settings = java.util.Objects.requireNonNull(limits, "limits");
        out.println("lvs4j forward: at most " + (udp ? settings.maxFlows() + " UDP flows" : settings.maxConnections()
                + " TCP connections") + " (--max-" + (udp ? "flows" : "conns") + "; ulimit -n "
                + DirectorBuilder.descriptorLimit() + ")");
        out.flush();
        stopped.await();
        return 0;
    }
}
