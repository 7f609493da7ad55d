package io.lvs4j.keepalived;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.RealServerEvent;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.failover.TakeoverAction;
import io.lvs4j.failover.TakeoverActions;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import io.lvs4j.failover.VrrpSyncGroup;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.DirectorBuilder;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.forward.StatisticsTable;
import io.lvs4j.health.CheckFactory;
import io.lvs4j.health.HealthMonitorConfig;
import io.lvs4j.health.HealthMonitors;
import io.lvs4j.keepalived.internal.ScriptTracker;
import io.lvs4j.keepalived.internal.ServiceBuild;
import io.lvs4j.keepalived.spec.Check;
import io.lvs4j.keepalived.spec.CheckKind;
import io.lvs4j.keepalived.spec.DirectorSettings;
import io.lvs4j.keepalived.spec.DirectorSpec;
import io.lvs4j.keepalived.spec.Instance;
import io.lvs4j.keepalived.spec.Real;
import io.lvs4j.keepalived.spec.Service;
import io.lvs4j.keepalived.spec.SyncGroup;
import io.lvs4j.keepalived.spec.VirtualAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link DirectorSpec}: one {@link Director} per VRRP instance for the virtual services on that instance's
 * virtual addresses (bound only while the instance is master), one for the other virtual services (always bound, as
 * IPVS services exist on every keepalived node), one health monitor whose checks and settings follow the file, and
 * the instances' tracked scripts, sync groups, virtual addresses and notify commands.
 *
 * <p>{@link #reload} applies a new file without touching established connections; the operator calls
 * ({@link #weight}, {@link #drain}, {@link #disable}, {@link #enable}) follow HAProxy's runtime API. Thread-safe;
 * nothing here blocks an event loop (reload and stop run on the caller's thread, which must not be one).
 */
public final class KeepalivedDirector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedDirector.class);
    private static final String ALWAYS = "";

    /** A real server within a virtual service. */
    record RealKey(ServiceKey service, InetSocketAddress address) {
    }

    /** An operator's state of a real server, HAProxy's words. */
    public enum AdminState {
        /** Scheduled as its weight and health say. */
        READY,
        /** No new connections except those persistence sends back; the weight is kept; checks go on. */
        DRAIN,
        /** Maintenance: no new connections at all, persistent ones included; no checks. */
        MAINT
    }

    /** A running virtual service. */
    private static final class Running {
        final String director;
        final Service spec;
        final VirtualService service;
        final Map<InetSocketAddress, RealServer> reals = new LinkedHashMap<>();

        Running(String director, Service spec, VirtualService service) {
            this.director = director;
            this.spec = spec;
            this.service = service;
        }
    }

    /** A reload built and not yet applied: the services it runs, which are new and which go. */
    private static final class ReloadPlan {
        final DirectorSpec config;
        final Map<ServiceKey, Running> next = new LinkedHashMap<>();
        final List<Running> added = new ArrayList<>();
        final List<Running> removed = new ArrayList<>();
        /** Weights the file changed on kept real servers, set when the reload commits. */
        final List<Runnable> weights = new ArrayList<>();
        int changed;

        ReloadPlan(DirectorSpec config) {
            this.config = config;
        }

        String summary() {
            int n = config.services().size();
            return n + (n == 1 ? " virtual service: " : " virtual services: ") + added.size() + " added, " + changed
                    + " changed, " + removed.size() + " removed";
        }
    }

    private final NotifyCommands commands = new NotifyCommands();
    private final Consumer<String> events;
    /** The real servers whose events are written (with events on), by identity. */
    private final Set<RealServer> watched = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, Director> directors = new LinkedHashMap<>();
    private final Map<String, VrrpFailover> failovers = new LinkedHashMap<>();
    /** Per instance: completed while it is master, for ha_suspend's checks to wait on. */
    private final Map<String, AtomicReference<CompletableFuture<Void>>> masterGates =
            new ConcurrentHashMap<>();
    private final List<VrrpSyncGroup> syncGroups = new ArrayList<>();
    private final List<ScriptTracker> trackers = new ArrayList<>();
    private final Map<ServiceKey, Running> running = new LinkedHashMap<>(); // guarded by this
    /** Held by the reload under way: reloads run one at a time. */
    private final Object reloading = new Object();
    private final Map<RealKey, AdminState> holds = new ConcurrentHashMap<>();
    private final Map<RealKey, HealthCheck> checks = new ConcurrentHashMap<>();
    private volatile Map<RealKey, Real> realSpecs = Map.of();
    private volatile Map<ServiceKey, Service> serviceSpecs = Map.of();
    private final HealthMonitor monitor;
    private final StatusHistory history = new StatusHistory(Clock.systemUTC());
    private DirectorSpec config; // guarded by this
    private boolean started; // guarded by this
    private @Nullable CompletableFuture<Void> stopping; // guarded by this

    /**
     * How a director runs, beyond its specification.
     *
     * @param ioThreads event-loop threads of each Director
     * @param insecure run VRRP instances that have no key (their adverts can be forged)
     * @param events where the event lines go when the specification asks for them ({@link DirectorSettings#events})
     * @param failover a failover the caller built (ZooKeeper's, say) that gates the virtual services no VRRP instance
     *     gates: they are bound only while it is master; {@code null} to serve them always. The director starts and
     *     stops it
     */
    public record Options(int ioThreads, boolean insecure, Consumer<String> events, @Nullable Failover failover,
            @Nullable Path upgradeSocket, Duration upgradeGrace) {
        /** Checks the fields. */
        public Options {
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads must be >= 1 but was " + ioThreads);
            }
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(upgradeGrace, "upgradeGrace");
        }

        /** Options without a hitless-upgrade socket. */
        public Options(int ioThreads, boolean insecure, Consumer<String> events, @Nullable Failover failover) {
            this(ioThreads, insecure, events, failover, null,
                    Duration.ofSeconds(DirectorBuilder.DEFAULT_HANDOVER_GRACE_SECONDS));
        }

        /**
         * These options with a hitless-upgrade socket: the director takes the listeners of the predecessor serving
         * at {@code socket} (if any) and hands its own to the next successor there, which lets its connections
         * finish for {@code grace} (see {@link DirectorBuilder#handoverSocket} and {@link DirectorBuilder#adoptFrom}).
         * Each VRRP instance's director hands over at {@code socket.INSTANCE} beside it, with its failover's socket,
         * role and advert run, so the instance's peers see no role change (unicast peers only; not with an outside
         * failover such as ZooKeeper's, whose session is not handed over).
         */
        public Options withUpgradeSocket(Path socket, Duration grace) {
            return new Options(ioThreads, insecure, events, failover, socket, grace);
        }

        /** Options without an outside failover. */
        public Options(int ioThreads, boolean insecure, Consumer<String> events) {
            this(ioThreads, insecure, events, null);
        }

        /** Options without an outside failover; event lines, if asked for, go to standard output. */
        public Options(int ioThreads, boolean insecure) {
            this(ioThreads, insecure, line -> {
                System.out.println(line);
                System.out.flush();
            });
        }
    }

    /** A VRRP instance without a key, run without {@code insecure}: its adverts could be forged. */
    public static final class MissingKeyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String instance;

        MissingKeyException(Instance i) {
            super("vrrp_instance " + i.name() + " (" + i.position() + ") has no lvs4j { key_file PATH } block: its "
                    + "adverts could be forged by anyone on the network; give a key, or start with --insecure");
            this.instance = i.name();
        }

        /** The instance's name. */
        public String instance() {
            return instance;
        }
    }

    /**
     * Prepares {@code config} to run; nothing is bound or sent before {@link #start()}.
     *
     * @throws MissingKeyException when a VRRP instance has no key and neither it nor {@code options} is insecure
     * @throws IllegalArgumentException naming the setting when an instance's failover settings cannot be built, or
     *     when a multicast instance's interface has no address here
     */
    public KeepalivedDirector(DirectorSpec config, Options options) {
        this.config = config;
        this.events = options.events();
        for (Instance i : config.instances()) {
            // fails now, naming the instance, when a multicast instance's interface has no address; then the
            // settings (advert interval, priority...) are checked before the key
            ServiceBuild.vrrp(i, i.bind(), true);
            if (i.key() == null && !i.insecure() && !options.insecure()) {
                throw new MissingKeyException(i);
            }
        }
        for (Service s : config.services()) {
            String gate = s.vrrpInstance();
            if (gate != null && config.instances().stream().noneMatch(i -> i.name().equals(gate))) {
                throw new IllegalArgumentException("virtual service " + s.name() + " (" + s.position() + ") names "
                        + "vrrp_instance " + gate + ", which the specification does not have");
            }
        }
        CheckFactory dynamic = (service, realServer) -> target -> check(service, realServer, target);
        this.monitor = HealthMonitors.create((service, realServer) -> {
            Real spec = realSpecs.get(key(service, realServer));
            return spec != null ? spec.health() : HealthMonitorConfig.ofDefaults();
        }, dynamic);
        try {
            assemble(config, options);
        } catch (RuntimeException e) {
            failovers.values().forEach(VrrpFailover::close);
            monitor.close();
            commands.shutdown();
            throw e;
        }
    }

    /** Builds the directors, failovers and trackers of {@code config}; nothing runs yet. */
    private void assemble(DirectorSpec config, Options options) {
        monitor.onEvent(this::healthEvent);
        install(config);
        Failover outside = options.failover();
        DirectorBuilder always = builder(config.settings(), options).healthMonitor(monitor).failover(outside);
        Path upgrade = options.upgradeSocket();
        if (upgrade != null) {
            if (outside != null) {
                throw new IllegalArgumentException("a hitless-upgrade socket does not work with an outside failover "
                        + "(" + outside.getClass().getSimpleName() + "): its session is not handed over; only VRRP "
                        + "instances are (docs/operations.md)");
            }
            for (Instance i : config.instances()) {
                if (i.multicastGroup() != null) {
                    throw new IllegalArgumentException("a hitless-upgrade socket does not work with vrrp_instance "
                            + i.name() + " (" + i.position() + "): it uses multicast, whose socket is not handed "
                            + "over; give it unicast_peer addresses (docs/operations.md)");
                }
            }
            always.handoverSocket(upgrade, options.upgradeGrace()).adoptFrom(upgrade);
        }
        directors.put(ALWAYS, always.build());
        if (outside != null && config.settings().events()) {
            outside.onRoleChange(change -> event("role", change.current() + " " + change.reason()));
        }
        for (Instance i : config.instances()) {
            VrrpFailover failover = VrrpFailover.create(ServiceBuild.vrrp(i, i.bind(), options.insecure()));
            failovers.put(i.name(), failover);
            AtomicReference<CompletableFuture<Void>> gate =
                    new AtomicReference<>(new CompletableFuture<>());
            masterGates.put(i.name(), gate);
            failover.onRoleChange(change -> {
                history.roleChanged(i.name(), change.current().name(), change.reason());
                if (change.current() == Role.MASTER) {
                    gate.get().complete(null);
                } else if (gate.get().isDone()) {
                    gate.set(new CompletableFuture<>());
                }
            });
            List<TakeoverAction> actions = takeoverActions(i);
            if (!actions.isEmpty()) {
                TakeoverActions.attach(failover, actions.toArray(new TakeoverAction[0]));
            }
            if (!i.tracks().isEmpty()) {
                trackers.add(new ScriptTracker(i, failover));
            }
            DirectorBuilder builder = builder(config.settings(), options).healthMonitor(monitor).failover(failover);
            if (config.settings().events()) {
                failover.onRoleChange(change -> event("role", change.current() + " " + change.reason()
                        + (config.instances().size() > 1 ? " " + i.name() : "")));
            }
            if (i.maxFlows() > 0) {
                builder.maxFlows(i.maxFlows());
            }
            if (i.maxConnections() > 0) {
                builder.maxConnections(i.maxConnections());
            }
            if (upgrade != null) {
                Path own = instanceSocket(upgrade, i.name());
                builder.handoverSocket(own, options.upgradeGrace()).adoptFrom(own);
            }
            directors.put(i.name(), builder.build());
        }
        for (Service s : config.services()) {
            String d = directorFor(config, s);
            Running r = new Running(d, s, ServiceBuild.virtualService(s));
            r.service.realServers().forEach(rs -> r.reals.put(rs.address(), rs));
            running.put(ServiceKey.of(r.service), r);
        }
        if (config.settings().events()) {
            running.values().stream().map(r -> r.director).distinct().forEach(name -> directors.get(name)
                    .onServingChange(e -> event(e.serving() ? "serving" : "not-serving", "-")));
            running.values().forEach(this::watch);
        }
    }

    /**
     * A builder of one director with the specification's forwarding settings; the instance's own limits, when it
     * has them, are set by the caller.
     */
    private static DirectorBuilder builder(DirectorSettings s, Options options) {
        DirectorBuilder b = Director.builder().ioThreads(options.ioThreads()).transport(s.transport())
                .connectTimeout(s.connectTimeout()).idleTimeout(s.idleTimeout())
                .udpUnrepliedTimeout(s.udpUnrepliedTimeout());
        if (s.maxFlows() > 0) {
            b.maxFlows(s.maxFlows());
        }
        if (s.maxConnections() > 0) {
            b.maxConnections(s.maxConnections());
        }
        return b;
    }

    /** Writes the event lines of {@code r}'s real servers that are not watched yet. */
    private void watch(Running r) {
        for (RealServer rs : r.reals.values()) {
            if (watched.add(rs)) {
                String name = Addresses.format(rs.address());
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
    }

    /**
     * One event line, its time in milliseconds since the epoch with microseconds as decimals; called from event
     * loops and the failover thread, hence synchronized on the sink.
     */
    private void event(String kind, String detail) {
        Instant now = Instant.now();
        String line = String.format(Locale.ROOT, "event %d.%03d %s %s", now.toEpochMilli(),
                now.getNano() / 1000 % 1000, kind, detail);
        synchronized (events) {
            events.accept(line);
        }
    }

    private List<TakeoverAction> takeoverActions(Instance i) {
        List<TakeoverAction> actions = new ArrayList<>();
        for (VirtualAddress v : i.virtualAddresses()) {
            if (!v.loopback()) {
                actions.add(TakeoverActions.virtualAddress(new TakeoverActions.VirtualAddress(v.address(),
                        v.prefixLength(), v.device(), i.garpRepeat(), i.garpDelay(), i.garpRefresh(), List.of())));
            }
        }
        if (!i.notifyChange().isEmpty()) {
            actions.add(TakeoverActions.notify(i.notifyChange(), i.name(), i.priority()));
        }
        addOnEntering(actions, Role.MASTER, i.notifyMaster());
        addOnEntering(actions, Role.BACKUP, i.notifyBackup());
        addOnEntering(actions, Role.FAULT, i.notifyFault());
        addOnEntering(actions, Role.INIT, i.notifyStop());
        for (SyncGroup g : config.syncGroups()) {
            // the members of a group move together; the group's commands run on its first member's changes
            if (!g.members().isEmpty() && g.members().get(0).equals(i.name())) {
                if (!g.notifyChange().isEmpty()) {
                    actions.add(TakeoverActions.notify(g.notifyChange(), "GROUP", g.name(), i.priority()));
                }
                addOnEntering(actions, Role.MASTER, g.notifyMaster());
                addOnEntering(actions, Role.BACKUP, g.notifyBackup());
                addOnEntering(actions, Role.FAULT, g.notifyFault());
            }
        }
        return actions;
    }

    private static void addOnEntering(List<TakeoverAction> actions, Role role, List<String> command) {
        if (!command.isEmpty()) {
            actions.add(TakeoverActions.onEntering(role, command));
        }
    }

    /** The director of a service: the instance holding its address, or the always-serving one. */
    private static String directorFor(DirectorSpec config, Service s) {
        if (s.vrrpInstance() != null) {
            return s.vrrpInstance();
        }
        for (Instance i : config.instances()) {
            if (i.holds(s.address().getAddress())) {
                return i.name();
            }
        }
        return ALWAYS;
    }

    /** Makes {@code next}'s checks and settings the ones the monitor uses from the next check on. */
    private void install(DirectorSpec next) {
        Map<RealKey, Real> specs = new LinkedHashMap<>();
        Map<ServiceKey, Service> services = new LinkedHashMap<>();
        for (Service s : next.services()) {
            ServiceKey sk = new ServiceKey(s.protocol(), s.address());
            services.put(sk, s);
            for (Real r : s.realServers()) {
                specs.put(new RealKey(sk, r.address()), r);
            }
        }
        realSpecs = Map.copyOf(specs);
        serviceSpecs = Map.copyOf(services);
        checks.clear(); // made again, on the monitor's loop, by the next check of each server
    }

    private CompletionStage<CheckResult> check(VirtualService service, RealServer realServer, RealServer target) {
        RealKey k = key(service, realServer);
        if (holds.get(k) == AdminState.MAINT) {
            return CompletableFuture.completedFuture(CheckResult.down("in maintenance"));
        }
        HealthCheck c = checks.computeIfAbsent(k, x -> {
            Real spec = realSpecs.get(x);
            return spec == null ? rs -> CompletableFuture.completedFuture(CheckResult.up()) : compose(service, spec);
        });
        Service spec = serviceSpecs.get(k.service());
        if (spec != null && spec.haSuspend()) {
            // keepalived's ha_suspend: no check while the instance holding the address is not master; the server
            // keeps the state it has, and its next check runs when the instance becomes master
            AtomicReference<CompletableFuture<Void>> ref =
                    masterGates.get(directorFor(config(), spec));
            CompletableFuture<Void> gate = ref == null ? null : ref.get();
            if (gate != null && !gate.isDone()) {
                // not on the notify thread, where a slow notify command would hold the check back
                return recorded(k, gate.thenComposeAsync(v -> c.check(target)));
            }
        }
        return recorded(k, c.check(target));
    }

    /** Records the check's outcome for the status document. */
    private CompletionStage<CheckResult> recorded(RealKey k, CompletionStage<CheckResult> check) {
        return check.whenComplete((r, e) -> history.checked(k, r != null ? r
                : CheckResult.down("check failed: " + e)));
    }

    /** The real server's checkers as one check: up when every one is up (none: always up). */
    private HealthCheck compose(VirtualService service, Real spec) {
        RealServer probe = ServiceBuild.realServer(spec, ProxyProtocol.NONE);
        List<CheckFactory> all = new ArrayList<>();
        for (Check c : spec.checks()) {
            CheckFactory f = switch (c.kind()) {
                case TCP -> CheckFactory.tcp(c.connectTimeout());
                case HTTP, SSL -> CheckFactory.http(Objects.requireNonNull(c.http(), "http"));
                case MISC -> CheckFactory.command(c.command(), c.connectTimeout(), c.dynamic());
                case DNS -> CheckFactory.dns(c.dnsType(), c.dnsName(), c.connectTimeout());
                case SMTP -> CheckFactory.smtp(c.helo(), c.connectTimeout());
                case UDP -> CheckFactory.udp(c.payload(), c.requireReply(), 1, 65535, c.connectTimeout());
            };
            InetSocketAddress to = c.connectTo();
            if (to != null && c.kind() != CheckKind.MISC) {
                f = CheckFactory.connectTo(to, f);
            }
            all.add(f);
        }
        return CheckFactory.allOf(all).checkFor(service, probe);
    }

    private void healthEvent(HealthEvent e) {
        ServiceKey sk = ServiceKey.of(e.service());
        Service spec = serviceSpecs.get(sk);
        if (spec == null) {
            return;
        }
        if (e instanceof HealthEvent.RealServerUp up) {
            history.changed(new RealKey(sk, up.realServer().address()), "UP", up.detail());
            Real r = realSpecs.get(new RealKey(sk, up.realServer().address()));
            run(r == null ? List.of() : r.notifyUp());
        } else if (e instanceof HealthEvent.RealServerDown down) {
            history.changed(new RealKey(sk, down.realServer().address()), "DOWN", down.detail());
            Real r = realSpecs.get(new RealKey(sk, down.realServer().address()));
            run(r == null ? List.of() : r.notifyDown());
        } else if (e instanceof HealthEvent.QuorumUp) {
            run(spec.quorumUp());
        } else if (e instanceof HealthEvent.QuorumLost) {
            run(spec.quorumDown());
        }
    }

    /**
     * Runs a notify command off the monitor's thread, as the failover's notify scripts run (a timeout, the output
     * logged, the process group killed); at most {@value NotifyCommands#DEFAULT_CAPACITY} wait, the oldest dropped.
     */
    private void run(List<String> command) {
        commands.submit(command);
    }

    /**
     * Starts the tracked scripts (their first round is run before the instances start, so a failing check keeps the
     * node out of the election), then every director: services outside VRRP are bound now, the others when their
     * instance becomes master.
     */
    public synchronized CompletionStage<Void> start() {
        if (started) {
            return CompletableFuture.failedFuture(new IllegalStateException("director already started"));
        }
        started = true;
        trackers.forEach(ScriptTracker::start);
        for (SyncGroup g : config.syncGroups()) {
            syncGroups.add(VrrpSyncGroup.of(g.name(), g.members().stream().map(failovers::get)
                    .toArray(VrrpFailover[]::new)));
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Running r : running.values()) {
            all.add(directors.get(r.director).putVirtualService(r.service).toCompletableFuture());
        }
        for (Director d : directors.values()) {
            all.add(d.start().toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Applies {@code next} without dropping established connections: virtual services are added, changed (new
     * connections follow the new settings) or removed (their listener closes; connections run to their end); real
     * servers keep their counters and operator holds when their address stays; checks and their settings change
     * from each server's next check. Call it off the event loops; reloads run one at a time.
     *
     * <p>All or nothing: everything is built first (virtual services, real servers, schedulers, as {@code --check}
     * builds them) while nothing changes; then the new virtual services are bound, the last step that can fail (an
     * address in use): on a failure what was bound is closed again and the running configuration is as it was. Only
     * then do changed services take their settings and removed ones close, which cannot fail. A removed service's
     * listener therefore closes after the new ones are bound: moving a service onto an address that a removed one
     * holds takes two reloads.
     *
     * @return what changed, one line
     * @throws IllegalStateException when the change is refused, saying why; the running configuration is then as it
     *     was. The VRRP part cannot change: failover instances are kept for the director's life (restarting them
     *     would hand the addresses over), so such a change needs a restart
     */
    public String reload(DirectorSpec next) {
        synchronized (reloading) {
            ReloadPlan plan;
            synchronized (this) {
                plan = plan(next);
            }
            bindNew(plan);
            List<CompletableFuture<Void>> closing;
            synchronized (this) {
                closing = commit(plan);
            }
            // waited for outside the lock: operator calls (on the admin endpoint's loop) never wait for a close; the
            // reload is applied by now, so a listener that fails to close is said, not reported as a refusal
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).exceptionally(e -> {
                LOG.warn("reloaded, but a removed virtual service did not close cleanly: {}", e.toString());
                return null;
            }).join();
            LOG.info("reloaded: {}", plan.summary());
            return plan.summary();
        }
    }

    /** Builds everything {@code next} needs; changes nothing. */
    private ReloadPlan plan(DirectorSpec next) {
        if (!next.settings().equals(config.settings())) {
            throw new IllegalStateException("the global lvs4j block changed (" + config.settings() + " -> "
                    + next.settings() + "): the directors keep their forwarding settings while they run; restart "
                    + "the director to apply it. The running configuration is unchanged");
        }
        if (!next.vrrpText().equals(config.vrrpText())) {
            throw new IllegalStateException("the VRRP part of the file changed (global garp settings, vrrp_script, "
                    + "vrrp_instance or vrrp_sync_group): lvs4j keeps its failover instances while it runs, so that "
                    + "a reload never hands the virtual addresses over; restart the director to apply it. The "
                    + "running configuration is unchanged");
        }
        refuseKeyChange(next);
        ReloadPlan plan = new ReloadPlan(next);
        for (Service s : next.services()) {
            ServiceKey sk = new ServiceKey(s.protocol(), s.address());
            Running old = running.get(sk);
            Running r;
            try {
                if (old == null) {
                    r = new Running(directorFor(next, s), s, ServiceBuild.virtualService(s));
                } else {
                    r = new Running(old.director, s, ServiceBuild.virtualService(s, spec -> reuse(old, s, spec,
                            plan.weights)));
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("virtual_server " + s.name() + " (" + s.position() + ") cannot be "
                        + "built: " + e.getMessage() + "; the running configuration is unchanged", e);
            }
            r.service.realServers().forEach(rs -> r.reals.put(rs.address(), rs));
            plan.next.put(sk, r);
            if (old == null) {
                plan.added.add(r);
            } else if (!old.spec.equals(s)) {
                plan.changed++;
            }
        }
        running.forEach((sk, r) -> {
            if (!plan.next.containsKey(sk)) {
                plan.removed.add(r);
            }
        });
        return plan;
    }

    /**
     * Puts the plan's new virtual services into their directors, which binds them where the director serves; on any
     * failure removes every one of them again (closing what was bound) and throws.
     */
    private void bindNew(ReloadPlan plan) {
        List<Running> put = new ArrayList<>();
        List<CompletableFuture<Void>> binds = new ArrayList<>();
        try {
            for (Running r : plan.added) {
                put.add(r);
                binds.add(directors.get(r.director).putVirtualService(r.service).toCompletableFuture());
            }
            CompletableFuture.allOf(binds.toArray(new CompletableFuture<?>[0])).join();
        } catch (RuntimeException | Error e) {
            List<CompletableFuture<Void>> undo = new ArrayList<>();
            for (Running r : put) {
                undo.add(directors.get(r.director).removeVirtualService(r.service).toCompletableFuture());
            }
            CompletableFuture.allOf(undo.toArray(new CompletableFuture<?>[0])).exceptionally(x -> null).join();
            Throwable cause = e instanceof CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage() + "; what this reload bound is closed again and the "
                    + "running configuration is unchanged", cause);
        }
    }

    /** Makes the plan the running configuration; nothing here can fail. Returns the closing of removed listeners. */
    private List<CompletableFuture<Void>> commit(ReloadPlan plan) {
        install(plan.config);
        plan.weights.forEach(Runnable::run);
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Running r : plan.next.values()) {
            if (!plan.added.contains(r)) {
                // a changed service: its scheduler was built when planned, so this does not fail
                closing.add(directors.get(r.director).putVirtualService(r.service).toCompletableFuture());
            }
        }
        for (Running r : plan.removed) {
            closing.add(directors.get(r.director).removeVirtualService(r.service).toCompletableFuture());
        }
        holds.keySet().removeIf(k -> !plan.next.containsKey(k.service())
                || !plan.next.get(k.service()).reals.containsKey(k.address()));
        history.retain(k -> plan.next.containsKey(k.service())
                && plan.next.get(k.service()).reals.containsKey(k.address()));
        running.clear();
        running.putAll(plan.next);
        config = plan.config;
        if (config.settings().events()) {
            watched.retainAll(running.values().stream().flatMap(r -> r.reals.values().stream()).toList());
            running.values().forEach(this::watch);
        }
        return closing;
    }

    /**
     * Refuses a reload whose key files now hold other keys: the failover instances keep the key they started with
     * (swapping it on one node while its peers keep the old one would leave it master alone), so the change would be
     * ignored while the reload said it was applied.
     */
    private void refuseKeyChange(DirectorSpec next) {
        Map<String, Instance> running = new HashMap<>();
        config.instances().forEach(i -> running.put(i.name(), i));
        for (Instance i : next.instances()) {
            Instance was = running.get(i.name());
            if (was != null && !Arrays.equals(was.key(), i.key())) {
                throw new IllegalStateException("the key_file of vrrp_instance " + i.name() + " (" + i.position()
                        + ") holds another key than when the director started: a reload does not change a running "
                        + "failover group's key; restart the director (and its peers, with the same key) to apply "
                        + "it. The running configuration is unchanged");
            }
        }
    }

    /**
     * Reads {@code file} again and applies it as {@link #reload(DirectorSpec)} does.
     *
     * @throws IllegalStateException with every error when the file does not validate, or when the change is refused;
     *     the running configuration is then untouched
     */
    public String reload(Path file) {
        KeepalivedConfig.Result result;
        try {
            result = KeepalivedConfig.load(file);
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage() + "; the running configuration is unchanged", e);
        }
        DirectorSpec next = result.config();
        if (next == null) {
            throw new IllegalStateException(file + " is not valid (" + String.join("; ", result.problems().stream()
                    .filter(ConfigProblem::error).map(Object::toString).toList())
                    + "); the running configuration is unchanged");
        }
        return reload(next);
    }

    /**
     * The running real server at {@code spec}'s address, or a new one; a weight the file changed is set by
     * {@code weights} when the reload commits.
     */
    private static RealServer reuse(Running r, Service service, Real spec, List<Runnable> weights) {
        RealServer rs = r.reals.get(spec.address());
        if (rs == null || rs.upperThreshold() != spec.upperThreshold()
                || rs.lowerThreshold() != spec.lowerThreshold() || rs.proxyProtocol() != service.proxyProtocol()) {
            return ServiceBuild.realServer(service, spec);
        }
        Real before = r.spec.realServers().stream().filter(x -> x.address().equals(spec.address()))
                .findFirst().orElse(null);
        if (before == null || before.weight() != spec.weight()) {
            weights.add(() -> rs.setWeight(spec.weight())); // the file's weight replaces an operator's, as keepalived
        }
        return rs;
    }

    /** The running configuration. */
    public synchronized DirectorSpec config() {
        return config;
    }

    /**
     * Sets a real server's weight (ipvsadm -e -w) until the next reload; an operator's drain or maintenance stays.
     *
     * @return what was done
     * @throws IllegalArgumentException naming the service, the real server or the weight when one is wrong
     */
    public synchronized String weight(ServiceKey service, InetSocketAddress realServer, int weight) {
        if (weight < 0 || weight > RealServer.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 0.." + RealServer.MAX_WEIGHT + " but was " + weight);
        }
        realServer(service, realServer).setWeight(weight);
        AdminState hold = adminState(service, realServer);
        return name(service, realServer) + ": weight " + weight + (hold == AdminState.READY ? ""
                : " (still " + hold + ")");
    }

    /**
     * HAProxy's drain: no new connections except those persistence sends back; established connections continue,
     * checks go on and the weight is kept for when the server is enabled.
     */
    public synchronized String drain(ServiceKey service, InetSocketAddress realServer) {
        RealServer rs = realServer(service, realServer);
        holds.put(new RealKey(service, realServer), AdminState.DRAIN); // from maintenance: checks resume
        history.changed(new RealKey(service, realServer), "DRAIN", "operator");
        RealServerEngine.setDraining(rs, true);
        return name(service, realServer) + ": draining, " + remaining(rs);
    }

    /**
     * HAProxy's maintenance: no new connections at all, persistent ones included; checks stop (the server is reported
     * down); established connections continue.
     */
    public synchronized String disable(ServiceKey service, InetSocketAddress realServer) {
        RealServer rs = realServer(service, realServer);
        holds.put(new RealKey(service, realServer), AdminState.MAINT);
        history.changed(new RealKey(service, realServer), "MAINT", "operator");
        RealServerEngine.setDraining(rs, false);
        rs.setState(RealServerState.DOWN);
        return name(service, realServer) + ": in maintenance, " + remaining(rs);
    }

    /**
     * HAProxy's ready: ends a drain (at once) or a maintenance (the server comes back at its next passing check, or at
     * once when it has no checker).
     */
    public synchronized String enable(ServiceKey service, InetSocketAddress realServer) {
        RealServer rs = realServer(service, realServer);
        RealKey k = new RealKey(service, realServer);
        AdminState hold = holds.remove(k);
        RealServerEngine.setDraining(rs, false);
        if (hold != null) {
            history.changed(k, "READY", "operator");
        }
        if (hold != AdminState.MAINT) {
            return name(service, realServer) + (hold == null ? ": already ready" : ": ready");
        }
        Real spec = realSpecs.get(k);
        if (spec == null || spec.checks().isEmpty()) {
            rs.setState(RealServerState.UP);
            return name(service, realServer) + ": ready";
        }
        return name(service, realServer) + ": ready; back in service at its next passing check";
    }

    private static String remaining(RealServer rs) {
        int n = rs.activeConnections() + rs.inactiveConnections();
        return n + (n == 1 ? " connection remains" : " connections remain");
    }

    private static String name(ServiceKey service, InetSocketAddress realServer) {
        return Addresses.format(realServer) + " in " + service;
    }

    /** An operator's state of a real server. */
    public AdminState adminState(ServiceKey service, InetSocketAddress realServer) {
        return holds.getOrDefault(new RealKey(service, realServer), AdminState.READY);
    }

    private RealServer realServer(ServiceKey service, InetSocketAddress address) {
        Running r = running.get(service);
        if (r == null) {
            throw new IllegalArgumentException("virtual service " + service + " is not configured (configured: "
                    + String.join(", ", running.keySet().stream().map(ServiceKey::toString).toList()) + ")");
        }
        RealServer rs = r.reals.get(address);
        if (rs == null) {
            throw new IllegalArgumentException("real server " + Addresses.format(address) + " is not in " + service
                    + " (its real servers: " + String.join(", ", r.reals.keySet().stream().map(Addresses::format)
                    .toList()) + ")");
        }
        return rs;
    }

    /** The roles of the VRRP instances, by name. */
    public Map<String, Role> roles() {
        Map<String, Role> out = new LinkedHashMap<>();
        failovers.forEach((name, f) -> out.put(name, f.role()));
        return out;
    }

    /** The VRRP instances, by name. */
    Map<String, VrrpFailover> failovers() {
        return failovers;
    }

    /** Last checks and transitions, for the status document. */
    StatusHistory history() {
        return history;
    }

    /** The VRRP instance whose director serves {@code service}, or {@code null} when it is always served. */
    synchronized @Nullable String vrrpInstance(ServiceKey service) {
        Running r = running.get(service);
        return r == null || r.director.equals(ALWAYS) ? null : r.director;
    }

    /** The directors, by VRRP instance (and one for the services outside VRRP), for the metrics. */
    Map<String, Director> directors() {
        return directors;
    }

    /** The health monitor of every virtual service, for the metrics. */
    HealthMonitor healthMonitor() {
        return monitor;
    }

    /** Statistics of every virtual service, in file order. */
    public List<ServiceStatistics> statistics() {
        List<ServiceStatistics> out = new ArrayList<>();
        directors.values().forEach(d -> out.addAll(d.statistics()));
        return out;
    }

    private synchronized boolean followsVrrp(ServiceKey service) {
        Running r = running.get(service);
        return r != null && !r.director.equals(ALWAYS);
    }

    /** Whether the virtual service is bound (outside VRRP, or its instance is master). */
    public boolean serving(ServiceKey service) {
        Running r;
        synchronized (this) {
            r = running.get(service);
        }
        return r != null && directors.get(r.director).boundAddress(r.service) != null;
    }

    /**
     * The {@code ipvsadm -L -n --stats --rate} table with each instance's role above it and, in the State column, the
     * health state and any operator hold (DRAIN, MAINT).
     */
    public String status() {
        StringBuilder sb = new StringBuilder();
        DirectorSpec c = config();
        sb.append("lvs4j director ").append(c.routerId()).append(": ").append(c.services().size())
                .append(c.services().size() == 1 ? " virtual service" : " virtual services").append('\n');
        failovers.forEach((name, f) -> sb.append("VRRP ").append(name).append(": ").append(f.role())
                .append(" priority ").append(f.priority()).append(f.faults().isEmpty() ? ""
                        : " faults: " + String.join(", ", new TreeSet<>(f.faults())))
                .append(f.insecure() ? " INSECURE (no key: anyone can forge its adverts)" : "")
                .append(refusals(f)).append('\n'));
        List<ServiceStatistics> stats = statistics();
        sb.append(StatisticsTable.format(stats, (s, r) -> {
            AdminState a = adminState(new ServiceKey(s.protocol(), s.address()), r.address());
            return a == AdminState.READY ? r.state().name() : r.state() + " " + a;
        }));
        for (ServiceStatistics s : stats) {
            ServiceKey k = new ServiceKey(s.protocol(), s.address());
            if (followsVrrp(k) && !serving(k)) {
                sb.append("# ").append(s.protocol()).append(' ').append(Addresses.format(s.address()))
                        .append(" is not bound here (its VRRP instance is not master)\n");
            }
        }
        return sb.toString();
    }

    /** The adverts {@code f} refused, by reason, for the status line ("" when none). */
    private static String refusals(VrrpFailover f) {
        StringBuilder sb = new StringBuilder();
        f.rejections().forEach((reason, n) -> {
            if (n > 0) {
                sb.append(sb.length() == 0 ? " refused adverts: " : ", ").append(reason).append(' ').append(n);
            }
        });
        return sb.toString();
    }

    /**
     * Completes once a successor took the listeners through the hitless-upgrade socket of {@link Options} and this
     * runtime's connections have drained: the moment its process can exit. Never completes without such a socket.
     */
    public CompletionStage<Void> handedOver() {
        return CompletableFuture.allOf(directors.values().stream().map(d -> d.handedOver().toCompletableFuture())
                .toArray(CompletableFuture<?>[]::new));
    }

    /**
     * Completes once a successor serves on every director's listeners and failover through the hitless-upgrade
     * socket of {@link Options}, before this runtime drains: the moment to let go of the admin endpoint, which the
     * successor binds next. Never completes without such a socket.
     */
    public CompletionStage<Void> successorServing() {
        return CompletableFuture.allOf(directors.values().stream()
                .map(d -> d.successorServing().toCompletableFuture()).toArray(CompletableFuture<?>[]::new));
    }

    /** Where the director of VRRP instance {@code name} hands over: {@code SOCKET.NAME} beside the upgrade socket. */
    static Path instanceSocket(Path upgrade, String name) {
        return upgrade.resolveSibling(upgrade.getFileName() + "." + name);
    }

    /** Stops accepting, lets connections finish within {@code grace}, resigns mastership and stops the checks. */
    public CompletionStage<Void> stop(Duration grace) {
        DirectorSpec c;
        synchronized (this) {
            if (stopping != null) {
                return stopping;
            }
            stopping = new CompletableFuture<>();
            c = config;
        }
        for (Service s : c.services()) {
            if (s.omega()) {
                run(s.quorumDown()); // keepalived's omega: the down command also runs at shutdown
            }
        }
        trackers.forEach(ScriptTracker::close);
        syncGroups.forEach(VrrpSyncGroup::close);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        directors.values().forEach(d -> all.add(d.stop(grace).toCompletableFuture()));
        CompletableFuture<Void> done = stopping;
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
            monitor.close();
            commands.shutdown();
            done.complete(null);
        });
        return done;
    }

    /** {@link #stop} with the specification's stop grace (10 s unless it says), waited for. */
    @Override
    public void close() {
        try {
            stop(config().settings().stopGrace()).toCompletableFuture().join();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping", e);
        }
    }

    private static RealKey key(VirtualService vs, RealServer rs) {
        return new RealKey(ServiceKey.of(vs), rs.address());
    }
}
