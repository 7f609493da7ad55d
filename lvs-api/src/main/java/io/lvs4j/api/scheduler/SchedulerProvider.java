package io.lvs4j.api.scheduler;

/**
 * Makes schedulers of one name. Providers are found with {@link java.util.ServiceLoader}; when two providers share a
 * name, the one with the higher {@link #priority()} wins, so users can replace a built-in scheduler.
 */
public interface SchedulerProvider {

    /** The name users select this scheduler by, e.g. {@code wlc}. Lower case. */
    String name();

    /** Built-in providers use 5; a provider with a higher priority replaces one of the same name. */
    default int priority() {
        return 5;
    }

    /**
     * Creates a scheduler.
     *
     * @throws IllegalArgumentException if the configuration holds a flag or option this scheduler does not know, or
     *     an invalid value, naming it
     */
    Scheduler create(SchedulerConfig config);
}
