package io.lvs4j.scheduler;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.lvs4j.api.Flow;
import io.lvs4j.api.PersistenceTemplate;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.Scheduler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Persistence (IPVS {@code -p}): wraps a scheduler so that a client (its address masked to the netmask) returns to the
 * real server it was first given, for as long as it keeps coming back within the timeout. A template whose real
 * server is down or gone, or quiescent (unless {@link PersistenceConfig#expireQuiescentTemplate()} is off), is
 * dropped and the client rescheduled. As in IPVS, a template is honoured even while its server is overloaded.
 *
 * <p>Templates live in a Caffeine cache that expires them after the timeout without use. They can be
 * {@linkplain #exportTemplates() exported} with their remaining lifetime and {@linkplain #importTemplates imported}
 * on a standby director, so returning clients keep their real server after a takeover.
 *
 * <p>Thread-safe. A pick that hits a template costs one cache lookup and allocates one small key.
 */
public final class PersistentScheduler implements Scheduler {

    private final Scheduler delegate;
    private final Protocol protocol;
    private final InetSocketAddress service;
    private final PersistenceConfig config;
    private final long timeoutNanos;
    private final int ipv4Mask;
    private final Cache<TemplateKey, Template> templates;
    private final Policy.FixedExpiration<TemplateKey, Template> expiration;
    private volatile Map<InetSocketAddress, RealServer> members = Map.of();

    private PersistentScheduler(Scheduler delegate, VirtualService service, PersistenceConfig config) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.protocol = service.protocol();
        this.service = service.address();
        this.config = Objects.requireNonNull(config, "config");
        this.timeoutNanos = config.timeout().toNanos();
        this.ipv4Mask = config.ipv4Prefix() == 0 ? 0 : -1 << (32 - config.ipv4Prefix());
        // Fixed expire-after-access keeps a hit cheap (no per-read expiry callback); imported templates carry their
        // own deadline instead, checked on use.
        this.templates = Caffeine.newBuilder()
                .maximumSize(config.maximumSize())
                .ticker(config.ticker()::read)
                .executor(Runnable::run)
                .expireAfterAccess(config.timeout())
                .build();
        this.expiration = templates.policy().expireAfterAccess().orElseThrow();
    }

    /** Wraps {@code delegate} with the persistence settings of {@code service}. */
    public static PersistentScheduler wrap(Scheduler delegate, VirtualService service) {
        return new PersistentScheduler(delegate, service, PersistenceConfig.of(service));
    }

    /** Wraps {@code delegate} for {@code service} with explicit settings. */
    public static PersistentScheduler wrap(Scheduler delegate, VirtualService service, PersistenceConfig config) {
        return new PersistentScheduler(delegate, service, config);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** The settings. */
    public PersistenceConfig config() {
        return config;
    }

    @Override
    public void update(List<RealServer> realServers) {
        Map<InetSocketAddress, RealServer> byAddress = new HashMap<>();
        for (RealServer rs : realServers) {
            byAddress.put(rs.address(), rs);
        }
        members = Map.copyOf(byAddress);
        delegate.update(realServers);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        TemplateKey key = key(flow.client().getAddress(), flow.clientAddressFold(),
                config.isPortSpecific() ? flow.clientPort() : 0);
        Template template = templates.getIfPresent(key);
        if (template != null) {
            RealServer rs = members.get(template.realServer);
            if (rs != null && usable(rs)) {
                if (template.importDeadline == 0) {
                    return rs;
                }
                if (config.ticker().read() - template.importDeadline < 0) {
                    templates.put(key, new Template(template.realServer, 0)); // used: an ordinary template now
                    return rs;
                }
            }
            templates.invalidate(key);
        }
        RealServer rs = delegate.pick(flow);
        if (rs != null) {
            templates.put(key, new Template(rs.address(), 0));
        }
        return rs;
    }

    private boolean usable(RealServer rs) {
        return rs.state() == RealServerState.UP && !(config.expireQuiescentTemplate() && rs.isQuiescent());
    }

    /** The number of live templates; imported ones past their deadline are not counted. O(templates). */
    public long templateCount() {
        templates.cleanUp();
        long now = config.ticker().read();
        return templates.asMap().values().stream()
                .filter(t -> t.importDeadline == 0 || now - t.importDeadline < 0).count();
    }

    /** Drops every template that points at {@code realServer}, e.g. when an operator removes it. */
    public void invalidate(RealServer realServer) {
        templates.asMap().values().removeIf(t -> t.realServer.equals(realServer.address()));
    }

    /** Every live template with its remaining lifetime, for replication to a standby director. */
    public List<PersistenceTemplate> exportTemplates() {
        List<PersistenceTemplate> out = new ArrayList<>();
        long now = config.ticker().read();
        for (Map.Entry<TemplateKey, Template> e : templates.asMap().entrySet()) {
            OptionalLong age = expiration.ageOf(e.getKey(), TimeUnit.NANOSECONDS);
            if (age.isEmpty()) {
                continue;
            }
            long remaining = timeoutNanos - age.getAsLong();
            long deadline = e.getValue().importDeadline;
            if (deadline != 0) {
                remaining = Math.min(remaining, deadline - now);
            }
            if (remaining <= 0) {
                continue;
            }
            out.add(new PersistenceTemplate(protocol, service, e.getKey().network(), e.getKey().port,
                    e.getValue().realServer, TimeUnit.NANOSECONDS.toMillis(remaining)));
        }
        return out;
    }

    /**
     * Imports templates exported by another director; those of other virtual services are ignored. An imported
     * template lives for its remaining lifetime and then, once used, for the full timeout.
     *
     * @return the number imported
     */
    public int importTemplates(Collection<PersistenceTemplate> imported) {
        int count = 0;
        for (PersistenceTemplate t : imported) {
            if (t.protocol() != protocol || !t.virtualService().equals(service) || t.remainingMillis() <= 0) {
                continue;
            }
            InetAddress network = t.clientNetwork();
            TemplateKey key = key(network, Flow.fold(network), t.clientPort());
            long remaining = Math.min(timeoutNanos, TimeUnit.MILLISECONDS.toNanos(t.remainingMillis()));
            long deadline = config.ticker().read() + remaining;
            templates.put(key, new Template(t.realServer(), deadline == 0 ? 1 : deadline)); // 0 means "not imported"
            count++;
        }
        return count;
    }

    @Override
    public void close() {
        templates.invalidateAll();
        delegate.close();
    }

    private TemplateKey key(InetAddress client, int fold, int port) {
        if (client instanceof Inet4Address) {
            return new TemplateKey(0, fold & ipv4Mask, port, true);
        }
        byte[] b = client.getAddress();
        int prefix = config.ipv6Prefix();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xffL);
            lo = (lo << 8) | (b[i + 8] & 0xffL);
        }
        if (prefix <= 64) {
            hi = prefix == 0 ? 0 : hi & (-1L << (64 - prefix));
            lo = 0;
        } else {
            lo = prefix == 128 ? lo : lo & (-1L << (128 - prefix));
        }
        return new TemplateKey(hi, lo, port, false);
    }

    /**
     * Where a template sends its clients; an imported template also carries the ticker time it dies at unless used
     * first (0 for a template made here).
     */
    static final class Template {
        final InetSocketAddress realServer;
        final long importDeadline;

        Template(InetSocketAddress realServer, long importDeadline) {
            this.realServer = realServer;
            this.importDeadline = importDeadline;
        }
    }

    /** A masked client address (and port, or 0): the identity of a template. */
    static final class TemplateKey {
        final long hi;
        final long lo;
        final int port;
        final boolean ipv4;

        TemplateKey(long hi, long lo, int port, boolean ipv4) {
            this.hi = hi;
            this.lo = lo;
            this.port = port;
            this.ipv4 = ipv4;
        }

        InetAddress network() {
            byte[] b;
            if (ipv4) {
                int a = (int) lo;
                b = new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
            } else {
                b = new byte[16];
                for (int i = 0; i < 8; i++) {
                    b[i] = (byte) (hi >>> (56 - 8 * i));
                    b[i + 8] = (byte) (lo >>> (56 - 8 * i));
                }
            }
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot happen: 4 or 16 address bytes", e);
            }
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof TemplateKey)) {
                return false;
            }
            TemplateKey k = (TemplateKey) o;
            return hi == k.hi && lo == k.lo && port == k.port && ipv4 == k.ipv4;
        }

        @Override
        public int hashCode() {
            long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ port * 0x165667B1L;
            return (int) (h ^ (h >>> 32)) ^ (ipv4 ? 1 : 0);
        }
    }
}
