package io.lvs4j.api.scheduler;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of {@link SchedulerProvider}s found with {@link ServiceLoader} on the class path; for each name the
 * provider with the highest priority wins. Thread-safe; the providers are loaded once.
 */
public final class Schedulers {

    private static final class Holder {
        static final Map<String, SchedulerProvider> PROVIDERS = load(Schedulers.class.getClassLoader());
    }

    private Schedulers() {
    }

    /** The names of all schedulers available, sorted. */
    public static Set<String> names() {
        return Holder.PROVIDERS.keySet();
    }

    /**
     * Creates the scheduler named {@code name} (IPVS name, case-insensitive).
     *
     * @throws IllegalArgumentException if no provider has that name (the message lists the known names), or the
     *     provider rejects the configuration
     */
    public static Scheduler create(String name, SchedulerConfig config) {
        return provider(name).create(config);
    }

    /** Creates the scheduler named {@code name} with {@link SchedulerConfig#ofDefaults()}. */
    public static Scheduler create(String name) {
        return create(name, SchedulerConfig.ofDefaults());
    }

    /**
     * The provider of {@code name}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static SchedulerProvider provider(String name) {
        SchedulerProvider p = Holder.PROVIDERS.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown scheduler '" + name + "'; known schedulers: "
                    + String.join(", ", names()));
        }
        return p;
    }

    /** Loads providers with {@code loader}, keeping the highest priority per name. */
    static Map<String, SchedulerProvider> load(ClassLoader loader) {
        Map<String, SchedulerProvider> byName = new TreeMap<>();
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class, loader)) {
            String name = p.name().toLowerCase(Locale.ROOT);
            SchedulerProvider existing = byName.get(name);
            if (existing == null || p.priority() > existing.priority()) {
                byName.put(name, p);
            }
        }
        return Collections.unmodifiableMap(byName);
    }
}
