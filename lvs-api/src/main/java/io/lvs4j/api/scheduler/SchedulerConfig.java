package io.lvs4j.api.scheduler;

import io.lvs4j.api.Ticker;
import java.time.Duration;
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
 * named options ({@code table-size=65537}), slow start, a ticker for time-based schedulers and a source of random
 * numbers. Immutable and thread-safe.
 *
 * <h2>Slow start</h2>
 * With a {@linkplain Builder#slowStart slow-start window}, a real server that joins or comes back up after the first
 * {@code update} does not get its full weight at once: its effective weight is
 * {@code weight × max(minWeightPercent / 100, (elapsed / window) ^ (1 / aggression))}, never below 1, until the window
 * has passed (Envoy's slow start). Aggression 1 ramps linearly; a larger aggression ramps faster at first.
 */
public final class SchedulerConfig {

    /** The default slow-start aggression: {@value} (linear). */
    public static final double DEFAULT_SLOW_START_AGGRESSION = 1.0;
    /** The default floor of the slow-start ramp, in percent of the weight: {@value}. */
    public static final int DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT = 10;

    private final Set<String> flags;
    private final Map<String, String> options;
    private final Ticker ticker;
    private final @Nullable IntSupplier random;
    private final Duration slowStartWindow;
    private final double slowStartAggression;
    private final int slowStartMinWeightPercent;

    private SchedulerConfig(Builder b) {
        this.flags = Collections.unmodifiableSet(new LinkedHashSet<>(b.flags));
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        this.ticker = b.ticker;
        this.random = b.random;
        this.slowStartWindow = b.slowStartWindow;
        this.slowStartAggression = b.slowStartAggression;
        this.slowStartMinWeightPercent = b.slowStartMinWeightPercent;
    }

    /** The slow-start window; {@link Duration#ZERO} (the default) means no slow start. */
    public Duration slowStartWindow() {
        return slowStartWindow;
    }

    /** The slow-start aggression, &gt; 0; default {@value #DEFAULT_SLOW_START_AGGRESSION}. */
    public double slowStartAggression() {
        return slowStartAggression;
    }

    /** The floor of the ramp in percent of the weight, 0..100; default {@value #DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT}. */
    public int slowStartMinWeightPercent() {
        return slowStartMinWeightPercent;
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
        return "SchedulerConfig" + flags + options
                + (slowStartWindow.isZero() ? "" : " slowStart " + slowStartWindow);
    }

    /** Builds a {@link SchedulerConfig}. */
    public static final class Builder {
        private final Set<String> flags = new LinkedHashSet<>();
        private final Map<String, String> options = new LinkedHashMap<>();
        private Ticker ticker = Ticker.system();
        private @Nullable IntSupplier random;
        private Duration slowStartWindow = Duration.ZERO;
        private double slowStartAggression = DEFAULT_SLOW_START_AGGRESSION;
        private int slowStartMinWeightPercent = DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT;

        Builder() {
        }

        /**
         * Turns on slow start (see the class description).
         *
         * @param window how long a new real server ramps; {@link Duration#ZERO} turns slow start off
         * @param aggression the ramp's exponent, &gt; 0; 1 is linear
         * @param minWeightPercent the floor of the ramp, 0..100
         */
        public Builder slowStart(Duration window, double aggression, int minWeightPercent) {
            Objects.requireNonNull(window, "slowStartWindow");
            if (window.isNegative()) {
                throw new IllegalArgumentException("slowStartWindow must be >= 0 but was " + window);
            }
            if (!(aggression > 0) || Double.isInfinite(aggression)) {
                throw new IllegalArgumentException("slowStartAggression must be > 0 but was " + aggression);
            }
            if (minWeightPercent < 0 || minWeightPercent > 100) {
                throw new IllegalArgumentException("slowStartMinWeightPercent must be 0..100 but was "
                        + minWeightPercent);
            }
            this.slowStartWindow = window;
            this.slowStartAggression = aggression;
            this.slowStartMinWeightPercent = minWeightPercent;
            return this;
        }

        /** Slow start over {@code window}, linear, from 10% of the weight. */
        public Builder slowStart(Duration window) {
            return slowStart(window, DEFAULT_SLOW_START_AGGRESSION, DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT);
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
