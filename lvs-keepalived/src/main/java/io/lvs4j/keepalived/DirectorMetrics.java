package io.lvs4j.keepalived;

import io.lvs4j.api.ServiceKey;
import io.lvs4j.failover.AdvertRejection;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.forward.ServiceStatistics.RealServerStatistics;
import io.lvs4j.micrometer.DirectorMeterBinder;
import io.lvs4j.micrometer.LvsMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * A keepalived director's metrics in the Prometheus text format, for the admin endpoint's {@code /metrics} and
 * {@code lvs4j status --metrics}. The generic meters come from {@code lvs-micrometer}: the statistics of every
 * virtual service and real server ({@link LvsMetrics#directors}), the health monitor's transitions and quorum
 * ({@link LvsMetrics#healthMonitor}) and each VRRP instance's role, priority, transitions and time in role
 * ({@link LvsMetrics#failover}, tagged {@code instance}); see docs/keepalived.md for the names. Added here, what only
 * the keepalived runtime knows: {@code lvs4j_vrrp_insecure} (1 when the instance runs without a key),
 * {@code lvs4j_vrrp_adverts_refused_total} (datagrams refused on the failover port, tagged {@code instance} and
 * {@code reason}: BAD_MAC, REPLAYED, STALE, IDENTITY_MISMATCH...) and {@code lvs4j_real_servers_held} (real servers
 * an operator holds, tagged {@code hold}: DRAIN or MAINT). Services and real servers that a reload adds or removes
 * appear and disappear with the next scrape.
 *
 * <p>A director that owns its process (the {@code lvs4j} command) adds the JVM's and the process's meters and
 * {@code lvs4j_build_info} with {@link #withProcessMeters}; an application that embeds a director has its own and
 * does not get a second set.
 */
public final class DirectorMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DirectorMeterBinder services;
    private final List<JvmGcMetrics> gcMetrics = new ArrayList<>();

    /** Metrics of {@code director}. */
    public DirectorMetrics(KeepalivedDirector director) {
        services = LvsMetrics.directors(List.copyOf(director.directors().values()));
        services.bindTo(registry);
        LvsMetrics.healthMonitor(director.healthMonitor()).bindTo(registry);
        director.failovers().forEach((instance, failover) -> {
            LvsMetrics.failover(instance, failover).bindTo(registry);
            Gauge.builder("lvs4j.vrrp.insecure", failover, f -> f.insecure() ? 1 : 0)
                    .tag("instance", instance).description("1 when the instance runs without a key (--insecure): "
                            + "anyone can forge its adverts").register(registry);
            for (AdvertRejection reason : AdvertRejection.values()) {
                FunctionCounter.builder("lvs4j.vrrp.adverts.refused", failover, f -> f.rejections().get(reason))
                        .tags("instance", instance, "reason", reason.name())
                        .description("Datagrams refused on the instance's failover port, by reason").register(registry);
            }
        });
        for (KeepalivedDirector.AdminState hold : KeepalivedDirector.AdminState.values()) {
            if (hold != KeepalivedDirector.AdminState.READY) {
                Gauge.builder("lvs4j.real_servers.held", director, d -> held(d, hold)).tag("hold", hold.name())
                        .description("Real servers an operator holds (lvs4j drain: DRAIN, lvs4j disable: MAINT)")
                        .register(registry);
            }
        }
    }

    private static int held(KeepalivedDirector director, KeepalivedDirector.AdminState hold) {
        int n = 0;
        for (ServiceStatistics s : director.statistics()) {
            ServiceKey key = new ServiceKey(s.protocol(), s.address());
            for (RealServerStatistics rs : s.realServers()) {
                n += director.adminState(key, rs.address()) == hold ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * Adds Micrometer's JVM and process meters (memory and buffer pools, garbage collection, threads, classes,
     * processor, uptime, open and maximum file descriptors: {@code jvm_memory_used_bytes},
     * {@code jvm_gc_pause_seconds}, {@code jvm_threads_live_threads}, {@code process_cpu_usage},
     * {@code process_uptime_seconds}, {@code process_files_open_files}...) and {@code lvs4j_build_info} (always 1,
     * tagged {@code version} and {@code java_version}), and returns this.
     *
     * @param version the lvs4j version to report, e.g. {@code 0.1.0}
     */
    public DirectorMetrics withProcessMeters(String version) {
        JvmGcMetrics gc = new JvmGcMetrics();
        gcMetrics.add(gc);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
        Gauge.builder("lvs4j.build.info", () -> 1).tags("version", version, "java_version",
                        System.getProperty("java.version", "unknown"))
                .description("Always 1; the tags say which lvs4j and which Java run here").register(registry);
        return this;
    }

    /** Stops the meters that listen to the JVM (garbage collection notifications) and closes the registry. */
    @Override
    public void close() {
        gcMetrics.forEach(JvmGcMetrics::close);
        gcMetrics.clear();
        registry.close();
    }

    /** The metrics in the Prometheus text format, read now. */
    public String scrape() {
        services.refresh();
        return registry.scrape();
    }
}
