package io.lvs4j.api.scheduler;

import io.lvs4j.api.Ticker;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SchedulerProvider} needs to create a scheduler: IPVS flags ({@code sh-port}, {@code mh-fallback}),
 * named options ({@code table-size=65537}), a ticker for time-based schedulers and a source of random numbers.
 * Immutable and thread-safe.
 */
public final class SchedulerConfig {

    private final Set<String> flags;
    private final Map<String, String> options;
    private final Ticker ticker;
    private final @Nullable IntSupplier random;

    private SchedulerConfig(Builder b) {
        this.flags = Collections.unmodifiableSet(new LinkedHashSet<>(b.flags));
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        this.ticker = b.ticker;
        this.random = b.random;
    }

    /** No flags, no options, the system ticker, thread-local random numbers. */
    public static SchedulerConfig ofDefaults() {
        return builder().build();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The flags; unmodifiable. */
    public Set<String> flags() {
        return flags;
    }

    /** Whether {@code flag} is set. */
    public boolean hasFlag(String flag) {
        return flags.contains(flag);
    }

    /** Named options; unmodifiable. */
    public Map<String, String> options() {
        return options;
    }

    /**
     * The integer option {@code name}, or {@code defaultValue} when absent.
     *
     * @throws IllegalArgumentException if the option is not an integer
     */
    public int intOption(String name, int defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scheduler option " + name + " must be an integer but was '" + v + "'",
                    e);
        }
    }

    /**
     * The decimal option {@code name}, or {@code defaultValue} when absent.
     *
     * @throws IllegalArgumentException if the option is not a number
     */
    public double doubleOption(String name, double defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scheduler option " + name + " must be a number but was '" + v + "'",
                    e);
        }
    }

    /** The ticker time-based schedulers (slow start, cache expiry) read. */
    public Ticker ticker() {
        return ticker;
    }

    /**
     * The source of uniformly distributed ints for random schedulers, or {@code null} to use
     * {@link java.util.concurrent.ThreadLocalRandom}. Tests set it to make random picks repeatable.
     */
    public @Nullable IntSupplier random() {
        return random;
    }

    /**
     * Fails when a flag or option is not among those a scheduler knows.
     *
     * @throws IllegalArgumentException naming the scheduler, the unknown flag or option and the known ones
     */
    public void requireKnown(String scheduler, Set<String> knownFlags, Set<String> knownOptions) {
        for (String f : flags) {
            if (!knownFlags.contains(f)) {
                throw new IllegalArgumentException("scheduler " + scheduler + " has no flag '" + f + "'"
                        + (knownFlags.isEmpty() ? "; it takes no flags" : "; known flags: " + knownFlags));
            }
        }
        for (String o : options.keySet()) {
            if (!knownOptions.contains(o)) {
                throw new IllegalArgumentException("scheduler " + scheduler + " has no option '" + o + "'"
                        + (knownOptions.isEmpty() ? "; it takes no options" : "; known options: " + knownOptions));
            }
        }
    }

    @Override
    public String toString() {
        return "SchedulerConfig" + flags + options;
    }

    /** Builds a {@link SchedulerConfig}. */
    public static final class Builder {
        private final Set<String> flags = new LinkedHashSet<>();
        private final Map<String, String> options = new LinkedHashMap<>();
        private Ticker ticker = Ticker.system();
        private @Nullable IntSupplier random;

        Builder() {
        }

        /** Adds flags. */
        public Builder flags(Iterable<String> flags) {
            for (String f : flags) {
                flag(f);
            }
            return this;
        }

        /** Adds one flag. */
        public Builder flag(String flag) {
            Objects.requireNonNull(flag, "flag");
            if (flag.isBlank()) {
                throw new IllegalArgumentException("flag must not be blank");
            }
            flags.add(flag);
            return this;
        }

        /** Sets a named option. */
        public Builder option(String name, String value) {
            options.put(Objects.requireNonNull(name, "option name"), Objects.requireNonNull(value, name));
            return this;
        }

        /** Sets the ticker; default {@link Ticker#system()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Sets the source of random ints; default thread-local random numbers. */
        public Builder random(@Nullable IntSupplier random) {
            this.random = random;
            return this;
        }

        /** Builds the configuration. */
        public SchedulerConfig build() {
            return new SchedulerConfig(this);
        }
    }
}
