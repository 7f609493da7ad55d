package io.lvs4j.keepalived;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.stats.StatsSnapshot;
import io.lvs4j.failover.AdvertRejection;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.forward.ServiceStatistics.RealServerStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A director's statistics as Prometheus metrics, through Micrometer: per virtual service and per real server the
 * connection, packet and byte totals (counters), the active and inactive connections, weight and health (gauges),
 * and per VRRP instance its role and priority. Services and real servers that a reload adds or removes appear and
 * disappear with the next scrape.
 *
 * <p>Names: {@code lvs4j_service_connections_total}, {@code lvs4j_service_in_bytes_total},
 * {@code lvs4j_service_out_bytes_total}, {@code lvs4j_service_in_packets_total},
 * {@code lvs4j_service_out_packets_total}, {@code lvs4j_service_serving}; what the resource limits turned away:
 * {@code lvs4j_service_evicted_flows_total}, {@code lvs4j_service_dropped_datagrams_total},
 * {@code lvs4j_service_accept_failures_total}; the same totals as
 * {@code lvs4j_real_server_*} plus {@code lvs4j_real_server_active_connections},
 * {@code lvs4j_real_server_inactive_connections}, {@code lvs4j_real_server_weight}, {@code lvs4j_real_server_up}
 * (1 when UP and not in maintenance); {@code lvs4j_vrrp_master}, {@code lvs4j_vrrp_priority},
 * {@code lvs4j_vrrp_insecure} (1 when the instance runs without a key) and {@code lvs4j_vrrp_adverts_refused_total}
 * (datagrams refused on the failover port, tagged {@code reason}: BAD_MAC, REPLAYED, STALE, IDENTITY_MISMATCH...).
 * Tags: {@code protocol}, {@code service}, {@code real_server}, {@code instance}, {@code reason}.
 */
public final class DirectorMetrics {

    private final KeepalivedDirector director;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, List<Meter>> meters = new HashMap<>(); // guarded by this
    private volatile Map<String, ServiceStatistics> services = Map.of();
    private volatile Map<String, RealServerStatistics> realServers = Map.of();

    /** Metrics of {@code director}; nothing is read before the first {@link #scrape()}. */
    public DirectorMetrics(KeepalivedDirector director) {
        this.director = director;
        for (String instance : director.roles().keySet()) {
            Gauge.builder("lvs4j.vrrp.master", director, d -> d.roles().get(instance) == Role.MASTER ? 1 : 0)
                    .tag("instance", instance).description("1 while this node is master of the instance")
                    .register(registry);
            Gauge.builder("lvs4j.vrrp.priority", director, d -> d.failovers().get(instance).priority())
                    .tag("instance", instance).description("The instance's priority now (tracked scripts included)")
                    .register(registry);
            Gauge.builder("lvs4j.vrrp.insecure", director, d -> d.failovers().get(instance).insecure() ? 1 : 0)
                    .tag("instance", instance).description("1 when the instance runs without a key (--insecure): "
                            + "anyone can forge its adverts").register(registry);
            for (AdvertRejection reason : AdvertRejection.values()) {
                FunctionCounter.builder("lvs4j.vrrp.adverts.refused", director,
                                d -> d.failovers().get(instance).rejections().get(reason))
                        .tags("instance", instance, "reason", reason.name())
                        .description("Datagrams refused on the instance's failover port, by reason").register(registry);
            }
        }
    }

    /** The metrics in the Prometheus text format, read now. */
    public synchronized String scrape() {
        Map<String, ServiceStatistics> s = new HashMap<>();
        Map<String, RealServerStatistics> r = new HashMap<>();
        for (ServiceStatistics stats : director.statistics()) {
            String service = serviceKey(stats);
            s.put(service, stats);
            for (RealServerStatistics rs : stats.realServers()) {
                r.put(service + " " + Addresses.format(rs.address()), rs);
            }
        }
        services = s;
        realServers = r;
        for (Map.Entry<String, ServiceStatistics> e : s.entrySet()) {
            meters.computeIfAbsent(e.getKey(), k -> serviceMeters(k, e.getValue()));
        }
        for (Map.Entry<String, RealServerStatistics> e : r.entrySet()) {
            meters.computeIfAbsent(e.getKey(), k -> realServerMeters(k, e.getValue()));
        }
        meters.entrySet().removeIf(e -> {
            boolean gone = !s.containsKey(e.getKey()) && !r.containsKey(e.getKey());
            if (gone) {
                e.getValue().forEach(registry::remove);
            }
            return gone;
        });
        return registry.scrape();
    }

    private static String serviceKey(ServiceStatistics s) {
        return s.protocol() + " " + Addresses.format(s.address());
    }

    private List<Meter> serviceMeters(String key, ServiceStatistics first) {
        Tags tags = Tags.of("protocol", first.protocol().name(), "service", Addresses.format(first.address()));
        List<Meter> out = new ArrayList<>();
        out.add(counter("lvs4j.service.connections", tags, m -> stat(key, StatsSnapshot::connections)));
        out.add(counter("lvs4j.service.in.packets", tags, m -> stat(key, StatsSnapshot::inPackets)));
        out.add(counter("lvs4j.service.out.packets", tags, m -> stat(key, StatsSnapshot::outPackets)));
        out.add(counter("lvs4j.service.in.bytes", tags, m -> stat(key, StatsSnapshot::inBytes)));
        out.add(counter("lvs4j.service.out.bytes", tags, m -> stat(key, StatsSnapshot::outBytes)));
        out.add(counter("lvs4j.service.evicted.flows", tags, m -> service(key, ServiceStatistics::evictedFlows)));
        out.add(counter("lvs4j.service.dropped.datagrams", tags,
                m -> service(key, ServiceStatistics::droppedDatagrams)));
        out.add(counter("lvs4j.service.accept.failures", tags, m -> service(key, ServiceStatistics::acceptFailures)));
        ServiceKey sk = new ServiceKey(first.protocol(), first.address());
        out.add(Gauge.builder("lvs4j.service.serving", this, m -> m.services.containsKey(key)
                ? (director.serving(sk) ? 1 : 0) : Double.NaN).tags(tags)
                .description("1 while the virtual service's listener is bound here").register(registry));
        return out;
    }

    private List<Meter> realServerMeters(String key, RealServerStatistics first) {
        int space = key.indexOf(' ', key.indexOf(' ') + 1);
        String service = key.substring(0, space);
        ServiceStatistics owner = services.get(service);
        Tags tags = Tags.of("protocol", owner.protocol().name(), "service", Addresses.format(owner.address()),
                "real_server", Addresses.format(first.address()));
        ServiceKey sk = new ServiceKey(owner.protocol(), owner.address());
        List<Meter> out = new ArrayList<>();
        out.add(counter("lvs4j.real_server.connections", tags, m -> real(key, r -> r.totals().connections())));
        out.add(counter("lvs4j.real_server.in.packets", tags, m -> real(key, r -> r.totals().inPackets())));
        out.add(counter("lvs4j.real_server.out.packets", tags, m -> real(key, r -> r.totals().outPackets())));
        out.add(counter("lvs4j.real_server.in.bytes", tags, m -> real(key, r -> r.totals().inBytes())));
        out.add(counter("lvs4j.real_server.out.bytes", tags, m -> real(key, r -> r.totals().outBytes())));
        out.add(gauge("lvs4j.real_server.active.connections", tags,
                m -> real(key, RealServerStatistics::activeConnections)));
        out.add(gauge("lvs4j.real_server.inactive.connections", tags,
                m -> real(key, RealServerStatistics::inactiveConnections)));
        out.add(gauge("lvs4j.real_server.weight", tags, m -> real(key, RealServerStatistics::weight)));
        out.add(gauge("lvs4j.real_server.up", tags, m -> {
            RealServerStatistics rs = m.realServers.get(key);
            if (rs == null) {
                return Double.NaN;
            }
            return rs.state() == RealServerState.UP && director.adminState(sk, rs.address())
                    != KeepalivedDirector.AdminState.MAINT ? 1 : 0;
        }));
        return out;
    }

    private Meter counter(String name, Tags tags, ToDoubleFunction<DirectorMetrics> value) {
        return FunctionCounter.builder(name, this, value).tags(tags).register(registry);
    }

    private Meter gauge(String name, Tags tags, ToDoubleFunction<DirectorMetrics> value) {
        return Gauge.builder(name, this, value).tags(tags).register(registry);
    }

    private double stat(String key, ToDoubleFunction<StatsSnapshot> field) {
        ServiceStatistics s = services.get(key);
        return s == null ? Double.NaN : field.applyAsDouble(s.totals());
    }

    private double service(String key, ToDoubleFunction<ServiceStatistics> field) {
        ServiceStatistics s = services.get(key);
        return s == null ? Double.NaN : field.applyAsDouble(s);
    }

    private double real(String key, ToDoubleFunction<RealServerStatistics> field) {
        RealServerStatistics r = realServers.get(key);
        return r == null ? Double.NaN : field.applyAsDouble(r);
    }
}
