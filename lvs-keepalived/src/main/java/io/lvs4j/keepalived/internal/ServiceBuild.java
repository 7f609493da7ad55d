package io.lvs4j.keepalived.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.keepalived.KeepalivedConfig;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a virtual_server becomes at run time, built the one way that {@code --check} (through
 * {@link KeepalivedConfig#load}), a start and a reload share: its {@link VirtualService} (real servers with their
 * thresholds, one-packet scheduling, the sorry server) and its scheduler with its flags, built as a director builds
 * it and closed again.
 */
public final class ServiceBuild {

    /** The VirtualService builder's field names, and the keepalived keyword each one comes from. */
    private static final Map<String, String> KEYWORD_OF_FIELD = Map.of("onePacket", "ops", "sorryServer",
            "sorry_server", "persistenceTimeout", "persistence_timeout", "persistenceNetmask",
            "persistence_granularity", "quorum", "quorum", "hysteresis", "hysteresis", "scheduler", "lb_algo");

    private ServiceBuild() {
    }

    /**
     * The virtual service of {@code spec}, its real servers made by {@code realServer}, after its scheduler was built.
     *
     * @throws IllegalArgumentException naming the setting that cannot be built
     */
    public static VirtualService virtualService(KeepalivedConfig.Service spec,
            Function<KeepalivedConfig.Real, RealServer> realServer) {
        VirtualService vs = spec.toVirtualService(realServer);
        scheduler(vs.scheduler(), vs.schedulerFlags());
        return vs;
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
