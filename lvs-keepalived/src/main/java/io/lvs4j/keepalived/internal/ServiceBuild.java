package io.lvs4j.keepalived.internal;

import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.keepalived.spec.Instance;
import io.lvs4j.keepalived.spec.Real;
import io.lvs4j.keepalived.spec.Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one translation from the specification to library objects, shared by {@code --check} (through
 * {@code KeepalivedConfig.load}), a start and a reload of {@code KeepalivedDirector}: a {@link Service}'s
 * {@link VirtualService} (real servers with their thresholds and PROXY protocol, persistence, one-packet scheduling,
 * slow start, the UDP reply limit, the sorry server) and its scheduler with its flags, built as a director builds it
 * and closed again; an {@link Instance}'s {@link VrrpConfig}.
 */
public final class ServiceBuild {

    /** The VirtualService builder's field names, and the keepalived keyword each one comes from. */
    private static final Map<String, String> KEYWORD_OF_FIELD = Map.of("onePacket", "ops", "sorryServer",
            "sorry_server", "persistenceTimeout", "persistence_timeout", "persistenceNetmask",
            "persistence_granularity", "quorum", "quorum", "hysteresis", "hysteresis", "scheduler", "lb_algo",
            "udpResponses", "udp_responses");

    private ServiceBuild() {
    }

    /**
     * The virtual service of {@code spec}, its real servers made by {@code realServer}, after its scheduler was built.
     *
     * @throws IllegalArgumentException naming the setting that cannot be built
     */
    public static VirtualService virtualService(Service spec, Function<Real, RealServer> realServer) {
        VirtualService.Builder b = VirtualService.builder(spec.protocol(), spec.address()).scheduler(spec.scheduler())
                .schedulerFlags(spec.flags().toArray(new String[0])).onePacket(spec.onePacket())
                .quorum(spec.quorum()).hysteresis(spec.hysteresis()).sorryServer(spec.sorryServer())
                .slowStart(spec.slowStart()).maxConnections(spec.maxConnections())
                .udpResponses(spec.udpResponses());
        if (!spec.persistence().isZero()) {
            b.persistenceTimeout(spec.persistence()).persistenceNetmask(spec.persistenceNetmask());
        }
        spec.realServers().forEach(r -> b.realServer(realServer.apply(r)));
        VirtualService vs = b.build();
        scheduler(vs.scheduler(), vs.schedulerFlags());
        return vs;
    }

    /** A new real server of {@code service} with {@code spec}'s settings (not yet in any virtual service). */
    public static RealServer realServer(Service service, Real spec) {
        return realServer(spec, service.proxyProtocol());
    }

    /** A new real server with {@code spec}'s settings and {@code proxy}. */
    public static RealServer realServer(Real spec, ProxyProtocol proxy) {
        return RealServer.builder(spec.address()).weight(spec.weight()).upperThreshold(spec.upperThreshold())
                .lowerThreshold(spec.lowerThreshold()).proxyProtocol(proxy).build();
    }

    /** The virtual service of {@code spec} with new real servers. */
    public static VirtualService virtualService(Service spec) {
        return virtualService(spec, r -> realServer(spec, r));
    }

    /**
     * The failover settings of {@code i}, bound to {@code bind}.
     *
     * @throws IllegalArgumentException naming the field (priority, advertInterval, ...) that is out of range
     */
    public static VrrpConfig vrrp(Instance i, InetSocketAddress bind, boolean insecure) {
        VrrpConfig.Builder b = VrrpConfig.builder(i.routerId(), bind).priority(i.priority())
                .advertInterval(i.advertInterval()).preempt(i.preempt()).preemptDelay(i.preemptDelay())
                .advertsPerInterval(i.advertsPerInterval()).insecure(i.key() == null
                        && (i.insecure() || insecure));
        i.peers().forEach(b::peer);
        InetAddress group = i.multicastGroup();
        if (group != null) {
            b.multicast(group, i.device());
        }
        byte[] key = i.key();
        if (key != null) {
            b.key(i.keyId(), key);
        }
        return b.build();
    }

    /**
     * Builds and closes the scheduler a director would build for {@code name} and {@code flags}.
     *
     * @throws IllegalArgumentException when the scheduler does not exist or does not take one of the flags
     */
    public static void scheduler(String name, Set<String> flags) {
        Schedulers.create(name, SchedulerConfig.builder().flags(flags).build()).close();
    }

    /** The keyword that a builder's message (which starts with its field's name) is about, or {@code null}. */
    public static @Nullable String keywordOf(String message) {
        for (Map.Entry<String, String> e : KEYWORD_OF_FIELD.entrySet()) {
            if (message.startsWith(e.getKey() + " ") || message.startsWith(e.getKey() + "(")) {
                return e.getValue();
            }
        }
        return null;
    }
}
