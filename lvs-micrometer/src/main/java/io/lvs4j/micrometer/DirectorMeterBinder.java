package io.lvs4j.micrometer;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.stats.StatsSnapshot;
import io.lvs4j.forward.Director;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.forward.ServiceStatistics.RealServerStatistics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The statistics of one or more {@link Director}s as meters: per virtual service and per real server what
 * {@code ipvsadm -L -n --stats} shows, plus what the resource limits turned away. Create one with
 * {@link LvsMetrics#director(Director)} (or {@link LvsMetrics#directors(List)} for several directors that serve
 * different virtual services) and {@link #bindTo bind} it to any number of registries.
 *
 * <p>Names, as a Prometheus registry writes them (tags {@code protocol}, {@code service} and, for real servers,
 * {@code real_server}):
 * <ul>
 *   <li>{@code lvs4j_virtual_services}: virtual services configured now (always present);</li>
 *   <li>per virtual service: {@code lvs4j_service_connections_total}, {@code lvs4j_service_in_bytes_total},
 *       {@code lvs4j_service_out_bytes_total}, {@code lvs4j_service_open_connections},
 *       {@code lvs4j_service_serving}; UDP only: {@code lvs4j_service_in_packets_total},
 *       {@code lvs4j_service_out_packets_total}, {@code lvs4j_service_evicted_flows_total},
 *       {@code lvs4j_service_dropped_datagrams_total}; TCP only: {@code lvs4j_service_accept_failures_total};
 *       {@code lvs4j_service_no_server_total} (connections, UDP: datagrams, that found no real server);
 *       TCP services with a sorry server only: {@code lvs4j_service_sorry_server_total};
 *       persistent services only: {@code lvs4j_service_persistence_templates};</li>
 *   <li>per real server: {@code lvs4j_real_server_connections_total}, {@code lvs4j_real_server_in_bytes_total},
 *       {@code lvs4j_real_server_out_bytes_total}, {@code lvs4j_real_server_active_connections},
 *       {@code lvs4j_real_server_inactive_connections}, {@code lvs4j_real_server_weight},
 *       {@code lvs4j_real_server_up}; UDP only: {@code lvs4j_real_server_in_packets_total},
 *       {@code lvs4j_real_server_out_packets_total}; from its first ejection by outlier detection on:
 *       {@code lvs4j_real_server_ejections_total}.</li>
 * </ul>
 * Series that are zero by construction are not registered: a user-space proxy does not see TCP segments, so TCP
 * services have no packet counters; only UDP evicts flows and drops datagrams; only TCP accepts.
 *
 * <p>Services and real servers come and go with reloads. There is no scrape hook in Micrometer, so the binder reads
 * {@link Director#statistics()} lazily: every meter's value function uses one reading of the statistics for up to
 * {@value #MAX_AGE_MILLIS} ms (by the registry's {@link Clock}), and each new reading registers the meters of new
 * services and real servers and removes those of the ones that left. A registry that writes its meters out therefore
 * shows a new real server from its next write on, and a removed one's meters read NaN until then. {@link #refresh()}
 * reads at once, for a caller that has a scrape hook (the lvs4j admin endpoint calls it before each scrape).
 * Thread-safe.
 */
public final class DirectorMeterBinder implements MeterBinder {

    /** How long one reading of the statistics serves every meter: {@value} ms. */
    public static final long MAX_AGE_MILLIS = 1000;

    private final List<Director> directors;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final Map<String, List<Meter>> meters = new HashMap<>(); // guarded by lock
    private volatile Reading reading = new Reading(Map.of(), Map.of(), Long.MIN_VALUE);

    /** One reading of the statistics: services and real servers by key. */
    private record Reading(Map<String, Service> services, Map<String, RealServerStatistics> realServers, long at) {
    }

    /** A virtual service's statistics with the director serving it and its settings (null if removed since). */
    private record Service(ServiceStatistics stats, Director director, @Nullable VirtualService settings) {
    }

    DirectorMeterBinder(List<Director> directors) {
        this.directors = List.copyOf(directors);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        synchronized (lock) {
            Gauge.builder("lvs4j.virtual.services", directors, d -> current().services().size())
                    .description("Virtual services configured now").register(registry);
            // the per-service meters are registered again, on every bound registry, by the next reading
            meters.values().forEach(this::remove);
            meters.clear();
            registries.add(registry);
            refresh();
        }
    }

    /**
     * Reads the statistics now, registers the meters of virtual services and real servers that appeared since the
     * last reading and removes those of the ones that left.
     */
    public void refresh() {
        synchronized (lock) {
            Map<String, Service> services = new LinkedHashMap<>();
            Map<String, RealServerStatistics> realServers = new HashMap<>();
            for (Director director : directors) {
                Map<String, VirtualService> settings = new HashMap<>();
                for (VirtualService vs : director.virtualServices()) {
                    settings.put(vs.protocol() + " " + Addresses.format(vs.address()), vs);
                }
                for (ServiceStatistics s : director.statistics()) {
                    String key = s.protocol() + " " + Addresses.format(s.address());
                    services.put(key, new Service(s, director, settings.get(key)));
                    for (RealServerStatistics rs : s.realServers()) {
                        realServers.put(key + " " + Addresses.format(rs.address()), rs);
                    }
                }
            }
            reading = new Reading(services, realServers, clock().monotonicTime());
            // the meter set depends on protocol and persistence: a reload that makes a service persistent gets it
            // the templates gauge
            Map<String, Supplier<List<Meter>>> wanted = new LinkedHashMap<>();
            services.forEach((key, s) -> {
                boolean persistent = s.settings() != null && s.settings().isPersistent();
                boolean sorry = s.settings() != null && s.settings().sorryServer() != null
                        && s.stats().protocol() == Protocol.TCP;
                wanted.put(key + (persistent ? " persistent" : "") + (sorry ? " sorry" : ""),
                        () -> serviceMeters(key, s.stats(), persistent, sorry));
                for (RealServerStatistics rs : s.stats().realServers()) {
                    String rsKey = key + " " + Addresses.format(rs.address());
                    // the ejections counter from the first ejection on: without outlier detection it would be 0
                    boolean ejected = rs.ejections() > 0;
                    wanted.put(rsKey + (ejected ? " ejected" : ""), () -> realServerMeters(rsKey, s.stats(), rs,
                            ejected));
                }
            });
            // first the meters of what left (a changed shape re-registers the same names), then the new ones
            meters.entrySet().removeIf(e -> {
                boolean gone = !wanted.containsKey(e.getKey());
                if (gone) {
                    remove(e.getValue());
                }
                return gone;
            });
            wanted.forEach((key, register) -> meters.computeIfAbsent(key, k -> register.get()));
        }
    }

    private Clock clock() {
        return registries.isEmpty() ? Clock.SYSTEM : registries.get(0).config().clock();
    }

    /** The last reading, read again first when it is older than {@link #MAX_AGE_MILLIS}. */
    private Reading current() {
        Reading r = reading;
        if (clock().monotonicTime() - r.at() >= TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MILLIS)
                || r.at() == Long.MIN_VALUE) {
            synchronized (lock) {
                if (reading == r) {
                    refresh();
                }
                return reading;
            }
        }
        return r;
    }

    private void remove(List<Meter> gone) {
        LvsMetrics.remove(registries, gone);
    }

    private List<Meter> serviceMeters(String key, ServiceStatistics first, boolean persistent, boolean sorry) {
        Tags tags = Tags.of("protocol", first.protocol().name(), "service", Addresses.format(first.address()));
        boolean udp = first.protocol() == Protocol.UDP;
        Meters out = new Meters(tags);
        out.counter("lvs4j.service.connections", "connections", "Connections (UDP: flows) the virtual service "
                + "scheduled since start", b -> b.stat(key, StatsSnapshot::connections));
        out.counter("lvs4j.service.in.bytes", "bytes", "Bytes from clients to the virtual service since start",
                b -> b.stat(key, StatsSnapshot::inBytes));
        out.counter("lvs4j.service.out.bytes", "bytes", "Bytes to the virtual service's clients since start",
                b -> b.stat(key, StatsSnapshot::outBytes));
        out.gauge("lvs4j.service.open.connections", "connections", "Client connections (UDP: flows) open now",
                b -> b.service(key, ServiceStatistics::connections));
        out.gauge("lvs4j.service.serving", null, "1 while the virtual service's listener is bound here",
                b -> b.serving(key));
        if (udp) {
            out.counter("lvs4j.service.in.packets", "packets", "Datagrams from clients since start",
                    b -> b.stat(key, StatsSnapshot::inPackets));
            out.counter("lvs4j.service.out.packets", "packets", "Datagrams to clients since start",
                    b -> b.stat(key, StatsSnapshot::outPackets));
            out.counter("lvs4j.service.evicted.flows", "flows", "UDP flows evicted to make room for new ones "
                    + "(a flow limit was reached) since start", b -> b.service(key, ServiceStatistics::evictedFlows));
            out.counter("lvs4j.service.dropped.datagrams", "datagrams", "Datagrams dropped because their flow's "
                    + "socket could not be opened or too many waited for it, since start",
                    b -> b.service(key, ServiceStatistics::droppedDatagrams));
        } else {
            out.counter("lvs4j.service.accept.failures", null, "Failed accepts (out of descriptors) and "
                    + "connections closed because the socket to the real server could not be opened, since start",
                    b -> b.service(key, ServiceStatistics::acceptFailures));
        }
        out.counter("lvs4j.service.no.server", null, "Connections closed (UDP: datagrams dropped) because no real "
                + "server was available (none up, or the quorum lost) and there is no sorry server, since start",
                b -> b.service(key, ServiceStatistics::noServer));
        if (sorry) {
            out.counter("lvs4j.service.sorry.server", null, "Connections sent to the sorry server because no real "
                    + "server was available, since start", b -> b.service(key, ServiceStatistics::sorryServer));
        }
        if (persistent) {
            out.gauge("lvs4j.service.persistence.templates", "templates", "Live persistence templates "
                    + "(ipvsadm -L -c lists them)", b -> b.service(key, ServiceStatistics::persistenceTemplates));
        }
        return out.meters;
    }

    private List<Meter> realServerMeters(String key, ServiceStatistics service, RealServerStatistics first,
                                         boolean ejected) {
        Tags tags = Tags.of("protocol", service.protocol().name(), "service", Addresses.format(service.address()),
                "real_server", Addresses.format(first.address()));
        Meters out = new Meters(tags);
        out.counter("lvs4j.real_server.connections", "connections", "Connections (UDP: flows) scheduled to the "
                + "real server since start", b -> b.real(key, r -> r.totals().connections()));
        out.counter("lvs4j.real_server.in.bytes", "bytes", "Bytes from clients relayed to the real server since "
                + "start", b -> b.real(key, r -> r.totals().inBytes()));
        out.counter("lvs4j.real_server.out.bytes", "bytes", "Bytes from the real server relayed to clients since "
                + "start", b -> b.real(key, r -> r.totals().outBytes()));
        if (service.protocol() == Protocol.UDP) {
            out.counter("lvs4j.real_server.in.packets", "packets", "Datagrams relayed to the real server since start",
                    b -> b.real(key, r -> r.totals().inPackets()));
            out.counter("lvs4j.real_server.out.packets", "packets", "Datagrams from the real server relayed to "
                    + "clients since start", b -> b.real(key, r -> r.totals().outPackets()));
        }
        out.gauge("lvs4j.real_server.active.connections", "connections", "Active connections to the real server "
                + "now (IPVS ActiveConn)", b -> b.real(key, RealServerStatistics::activeConnections));
        out.gauge("lvs4j.real_server.inactive.connections", "connections", "Inactive connections to the real "
                + "server now (IPVS InActConn)", b -> b.real(key, RealServerStatistics::inactiveConnections));
        out.gauge("lvs4j.real_server.weight", null, "The real server's weight now",
                b -> b.real(key, RealServerStatistics::weight));
        out.gauge("lvs4j.real_server.up", null, "1 while the real server's health state is UP",
                b -> b.real(key, r -> r.state() == RealServerState.UP ? 1 : 0));
        if (ejected) {
            out.counter("lvs4j.real_server.ejections", null, "Times passive outlier detection ejected the real "
                    + "server (too many failed connects in a row)", b -> b.real(key, RealServerStatistics::ejections));
        }
        return out.meters;
    }

    /**
     * Registers one entity's meters on every bound registry. Micrometer holds a meter's state object weakly and its
     * function strongly: the functions reach this binder, so an application need not keep a reference to it.
     */
    private final class Meters {
        final Tags tags;
        final List<Meter> meters = new ArrayList<>();

        Meters(Tags tags) {
            this.tags = tags;
        }

        void counter(String name, @Nullable String unit, String description, ToDoubleFunction<DirectorMeterBinder> value) {
            for (MeterRegistry registry : registries) {
                meters.add(FunctionCounter.builder(name, directors, d -> value.applyAsDouble(DirectorMeterBinder.this))
                        .tags(tags).baseUnit(unit).description(description).register(registry));
            }
        }

        void gauge(String name, @Nullable String unit, String description,
                   ToDoubleFunction<DirectorMeterBinder> value) {
            for (MeterRegistry registry : registries) {
                meters.add(Gauge.builder(name, directors, d -> value.applyAsDouble(DirectorMeterBinder.this))
                        .tags(tags).baseUnit(unit).description(description).register(registry));
            }
        }
    }

    private double stat(String key, ToDoubleFunction<StatsSnapshot> field) {
        Service s = current().services().get(key);
        return s == null ? Double.NaN : field.applyAsDouble(s.stats().totals());
    }

    private double service(String key, ToDoubleFunction<ServiceStatistics> field) {
        Service s = current().services().get(key);
        return s == null ? Double.NaN : field.applyAsDouble(s.stats());
    }

    private double serving(String key) {
        Service s = current().services().get(key);
        if (s == null) {
            return Double.NaN;
        }
        return s.settings() != null && s.director().boundAddress(s.settings()) != null ? 1 : 0;
    }

    private double real(String key, ToDoubleFunction<RealServerStatistics> field) {
        RealServerStatistics r = current().realServers().get(key);
        return r == null ? Double.NaN : field.applyAsDouble(r);
    }
}
