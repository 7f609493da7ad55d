package io.lvs4j.forward;

import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.health.OutlierDetector;
import io.lvs4j.forward.internal.DefaultDirector;
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
 */
public final class DirectorBuilder {

    /** The default connect timeout in milliseconds: {@value}. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5000;
    /** The default number of other real servers tried after a failed connect: {@value}. */
    public static final int DEFAULT_MAX_REDISPATCH = 2;

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

    DirectorBuilder() {
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

    /** The settings as they stand. */
    public DirectorConfig config() {
        return new DirectorConfig(services, ioThreads, transport, connectTimeout, idleTimeout, halfClosedTimeout,
                udpTimeout, maxRedispatch, healthMonitor, outlierDetector, failover, ticker);
    }

    /**
     * Builds the director (not started).
     *
     * @throws IllegalArgumentException if a service names an unknown scheduler or flag
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
