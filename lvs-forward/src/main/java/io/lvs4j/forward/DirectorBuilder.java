package io.lvs4j.forward;

import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.health.OutlierDetector;
import io.lvs4j.forward.internal.DefaultDirector;
import io.lvs4j.forward.internal.Descriptors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Director}. Every setter fails fast with the field name and the bad value.
 *
 * <p>Defaults: one event-loop thread per core, {@link Transport#AUTO}, connect timeout
 * {@value #DEFAULT_CONNECT_TIMEOUT_MS} ms, idle timeout 900 s (IPVS's TCP established timeout), half-closed
 * timeout 120 s (IPVS's FIN_WAIT), UDP flow timeout 300 s, {@value #DEFAULT_MAX_REDISPATCH} redispatches, no health
 * monitor, no outlier detector, no failover.
 *
 * <p>Resource limits: a UDP flow holds one file descriptor and a proxied TCP connection two, so by default both
 * director-wide limits derive from the process's descriptor limit ({@code ulimit -n}, read through
 * {@code com.sun.management.UnixOperatingSystemMXBean}; 1024
 * where the JVM cannot tell): an eighth of the limit (at least 128) is kept for the rest of the process, and of the
 * rest half goes to UDP flows ({@link #maxFlows(int)}) and half to TCP connections ({@link #maxConnections(int)}),
 * each default at most 65,536. With {@code ulimit -n 4096}:
 * 1,792 flows and 896 connections. A UDP flow whose real server has not replied lives
 * {@value #DEFAULT_UDP_UNREPLIED_TIMEOUT_MS} ms without a datagram (conntrack's unreplied state).
 */
public final class DirectorBuilder {

    /** The default connect timeout in milliseconds: {@value}. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5000;
    /** The default number of other real servers tried after a failed connect: {@value}. */
    public static final int DEFAULT_MAX_REDISPATCH = 2;

    /** The default lifetime of an idle UDP flow that has had no reply, in milliseconds: {@value}. */
    public static final long DEFAULT_UDP_UNREPLIED_TIMEOUT_MS = 5000;

    private final List<VirtualService> services = new ArrayList<>();
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private Transport transport = Transport.AUTO;
    private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS);
    private Duration idleTimeout = Duration.ofSeconds(900);
    private Duration halfClosedTimeout = Duration.ofSeconds(120);
    private Duration udpTimeout = Duration.ofSeconds(300);
    private int maxRedispatch = DEFAULT_MAX_REDISPATCH;
    private @Nullable HealthMonitor healthMonitor;
    private OutlierDetector outlierDetector = OutlierDetector.none();
    private @Nullable Failover failover;
    private Ticker ticker = Ticker.system();
    private int maxFlows = Descriptors.defaultMaxFlows(
            Descriptors.limit());
    private int maxConnections = Descriptors.defaultMaxConnections(
            Descriptors.limit());
    private Duration udpUnrepliedTimeout = Duration.ofMillis(DEFAULT_UDP_UNREPLIED_TIMEOUT_MS);
    private @Nullable Path handoverSocket;
    private Duration handoverGrace = Duration.ofSeconds(DEFAULT_HANDOVER_GRACE_SECONDS);
    private @Nullable Path adoptFrom;

    /** The default time a director that handed over its listeners lets its connections finish: {@value} s. */
    public static final long DEFAULT_HANDOVER_GRACE_SECONDS = 30;

    DirectorBuilder() {
    }

    /**
     * The process's file-descriptor limit that the default {@link #maxFlows(int)} and {@link #maxConnections(int)}
     * derive from ({@code ulimit -n} as the JVM set it; 1024 where the JVM cannot tell).
     */
    public static long descriptorLimit() {
        return Descriptors.limit();
    }

    /**
     * The UDP flow limit a director on {@code transport} ({@link Transport#AUTO} as this process resolves it) holds
     * in this JVM with {@code configured} as its {@link #maxFlows(int)}: on io_uring no more than half the maximum heap
     * holds at 176 KiB a flow (744 at {@code -Xmx256m}), whatever {@code configured} says; on epoll and NIO
     * {@code configured}.
     */
    public static int effectiveMaxFlows(Transport transport, int configured) {
        return Descriptors.flowLimit(transport, configured, Runtime.getRuntime().maxMemory());
    }

    /** Adds a virtual service; its protocol and address must be unique. */
    public DirectorBuilder virtualService(VirtualService service) {
        Objects.requireNonNull(service, "virtualService");
        for (VirtualService s : services) {
            if (s.protocol() == service.protocol() && s.address().equals(service.address())) {
                throw new IllegalArgumentException("virtualService " + service.name() + " is listed twice");
            }
        }
        services.add(service);
        return this;
    }

    /** Event-loop threads, at least 1; default one per core. */
    public DirectorBuilder ioThreads(int ioThreads) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1 but was " + ioThreads);
        }
        this.ioThreads = ioThreads;
        return this;
    }

    /** The transport; default {@link Transport#AUTO}. */
    public DirectorBuilder transport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return this;
    }

    /** Connect timeout towards real servers, 1 ms to 10 min. */
    public DirectorBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive("connectTimeout", timeout, Duration.ofMinutes(10));
        return this;
    }

    /** Idle timeout of established connections. */
    public DirectorBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = positive("idleTimeout", timeout, Duration.ofDays(7));
        return this;
    }

    /** How long a half-closed connection may stay open. */
    public DirectorBuilder halfClosedTimeout(Duration timeout) {
        this.halfClosedTimeout = positive("halfClosedTimeout", timeout, Duration.ofDays(7));
        return this;
    }

    /** How long a UDP flow lives without traffic. */
    public DirectorBuilder udpTimeout(Duration timeout) {
        this.udpTimeout = positive("udpTimeout", timeout, Duration.ofDays(1));
        return this;
    }

    /**
     * How long a UDP flow lives without a datagram while its real server has not replied (conntrack's unreplied
     * state); from the first reply on, {@link #udpTimeout(Duration)} applies. Default
     * {@value #DEFAULT_UDP_UNREPLIED_TIMEOUT_MS} ms.
     */
    public DirectorBuilder udpUnrepliedTimeout(Duration timeout) {
        this.udpUnrepliedTimeout = positive("udpUnrepliedTimeout", timeout, Duration.ofDays(1));
        return this;
    }

    /**
     * The most UDP flows the director keeps at once, over all its virtual services, at least 1 (each holds a socket).
     * A new flow beyond it evicts the least recently active flow of its virtual service (or, if that service has
     * none, of the service with the most), so new clients are served during a flood. Default: derived from the
     * descriptor limit (see the class comment). On {@link Transport#IO_URING} the director holds no more flows than half
     * the JVM's maximum heap can (Netty's io_uring datagram socket carries about 170 KiB of heap), whatever is set here.
     */
    public DirectorBuilder maxFlows(int maxFlows) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows must be >= 1 but was " + maxFlows);
        }
        this.maxFlows = maxFlows;
        return this;
    }

    /**
     * The most TCP connections the director proxies at once, over all its virtual services, at least 1 (each takes
     * two descriptors). At the limit the listeners stop accepting, as at a service's maxconn, and resume when a
     * connection ends. Default: derived from the descriptor limit (see the class comment).
     */
    public DirectorBuilder maxConnections(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1 but was " + maxConnections);
        }
        this.maxConnections = maxConnections;
        return this;
    }

    /** Other real servers tried after a failed connect, 0..16. */
    public DirectorBuilder maxRedispatch(int maxRedispatch) {
        if (maxRedispatch < 0 || maxRedispatch > 16) {
            throw new IllegalArgumentException("maxRedispatch must be 0..16 but was " + maxRedispatch);
        }
        this.maxRedispatch = maxRedispatch;
        return this;
    }

    /** The health monitor the director starts and watches its services with; default none. */
    public DirectorBuilder healthMonitor(@Nullable HealthMonitor healthMonitor) {
        this.healthMonitor = healthMonitor;
        return this;
    }

    /** Where connect outcomes are reported; default {@link OutlierDetector#none()}. */
    public DirectorBuilder outlierDetector(OutlierDetector outlierDetector) {
        this.outlierDetector = Objects.requireNonNull(outlierDetector, "outlierDetector");
        return this;
    }

    /** The failover protocol: the director serves only while it is master; default none (always serve). */
    public DirectorBuilder failover(@Nullable Failover failover) {
        this.failover = failover;
        return this;
    }

    /** The time source for slow start and persistence; default {@link Ticker#system()}. */
    public DirectorBuilder ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /**
     * Hitless upgrade, the giving side: once serving, the director listens on a Unix domain socket at {@code socket}
     * (mode 0600; its directory must belong to this user and be writable by it alone, e.g. {@code /run/lvs4j} 0700),
     * and passes its listening sockets to a successor of the same user that connects there (see
     * {@link #adoptFrom(Path)}; {@code SO_PEERCRED} is checked). Once the successor serves on them, this director
     * stops accepting (closing its own copies; the sockets stay open in the successor, so no connection is refused)
     * and lets established TCP connections finish for up to {@code drainGrace}, then stops:
     * {@link Director#handedOver()} completes. UDP flows end at once (the successor serves the next datagram).
     * Needs a native transport that exposes the socket: {@link Transport#AUTO} then means {@link Transport#EPOLL};
     * {@link Transport#IO_URING} can give but not adopt; {@link Transport#NIO} cannot. With a {@link #failover}, its
     * socket and state go too ({@link io.lvs4j.api.failover.Failover#handover()}, which the built-in VRRP failover
     * supports on epoll with unicast peers): the successor starts in this director's role and continues its adverts,
     * and this one lets go without resigning, so the failover's peers see no role change.
     *
     * @param socket the socket's path, or {@code null} for none (the default)
     * @param drainGrace how long established connections may take to finish after the handover, 1 ms to 7 days;
     *     default {@value #DEFAULT_HANDOVER_GRACE_SECONDS} s
     */
    public DirectorBuilder handoverSocket(@Nullable Path socket, Duration drainGrace) {
        this.handoverGrace = positive("drainGrace", drainGrace, Duration.ofDays(7));
        this.handoverSocket = socket;
        return this;
    }

    /**
     * Hitless upgrade, the taking side: at {@link Director#start()}, the director connects to the predecessor's
     * {@link #handoverSocket} at {@code socket}, names its virtual services, receives their listening sockets and
     * serves on them; then the predecessor drains. Without a predecessor there (no socket file, or no one listening),
     * it binds as usual; if the predecessor dies midway, it adopts what it received and binds the rest (retrying for
     * {@code 2 s} while the dead process's sockets close). The start fails, and the predecessor serves on, when the
     * predecessor refuses (its virtual services differ: the error names them), runs as another user, or does not
     * finish within 10 s. Needs {@link Transport#AUTO} (which then means {@link Transport#EPOLL}) or
     * {@link Transport#EPOLL}: Netty 4.2.18's io_uring server channel cannot adopt a socket. Use the same path for
     * both settings so that every generation can hand over to the next.
     *
     * @param socket the predecessor's socket, or {@code null} for none (the default)
     */
    public DirectorBuilder adoptFrom(@Nullable Path socket) {
        this.adoptFrom = socket;
        return this;
    }

    /** The settings as they stand. */
    public DirectorConfig config() {
        return new DirectorConfig(services, ioThreads, transport, connectTimeout, idleTimeout, halfClosedTimeout,
                udpTimeout, maxRedispatch, healthMonitor, outlierDetector, failover, ticker, maxFlows,
                udpUnrepliedTimeout, maxConnections, handoverSocket, handoverGrace, adoptFrom);
    }

    /**
     * Builds the director (not started).
     *
     * @throws IllegalArgumentException if a service names an unknown scheduler or flag, or handover is combined with a
     *     failover that cannot be handed over or a transport that cannot pass or adopt a socket
     */
    public Director build() {
        return new DefaultDirector(config());
    }

    private static Duration positive(String field, Duration d, Duration max) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be > 0 and <= " + max + " but was " + d);
        }
        return d;
    }
}
