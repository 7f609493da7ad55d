package io.lvs4j.health;

import java.time.Duration;

/**
 * How passive outlier detection ejects real servers (Envoy's outlier detection); immutable, built by
 * {@link #builder()}. Defaults are Envoy's: 5 consecutive failures, 30 s base ejection time (multiplied by the number
 * of times the server was ejected, capped at 300 s), at most 10% of the servers ejected at once (but always one), and a
 * panic threshold of 50%: when fewer than that share of servers is usable, ejections are lifted and traffic spreads
 * over all of them rather than overloading the few that are left.
 */
public final class OutlierDetectionConfig {

    private final int consecutiveFailures;
    private final Duration baseEjectionTime;
    private final Duration maxEjectionTime;
    private final int maxEjectionPercent;
    private final int panicThresholdPercent;

    private OutlierDetectionConfig(Builder b) {
        this.consecutiveFailures = b.consecutiveFailures;
        this.baseEjectionTime = b.baseEjectionTime;
        this.maxEjectionTime = b.maxEjectionTime;
        this.maxEjectionPercent = b.maxEjectionPercent;
        this.panicThresholdPercent = b.panicThresholdPercent;
    }

    /** Envoy's defaults. */
    public static OutlierDetectionConfig ofDefaults() {
        return builder().build();
    }

    /** Starts a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Failed connects in a row that eject a server. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The first ejection's length; the n-th lasts n times as long, up to {@link #maxEjectionTime()}. */
    public Duration baseEjectionTime() {
        return baseEjectionTime;
    }

    /** The longest an ejection lasts. */
    public Duration maxEjectionTime() {
        return maxEjectionTime;
    }

    /** The most servers ejected at once, in percent of the servers seen (at least one is always allowed). */
    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    /** Below this share of usable servers, in percent, every ejection is lifted. 0 turns panic mode off. */
    public int panicThresholdPercent() {
        return panicThresholdPercent;
    }

    /** Builds an {@link OutlierDetectionConfig}; setters fail fast naming the field and the value. */
    public static final class Builder {
        private int consecutiveFailures = 5;
        private Duration baseEjectionTime = Duration.ofSeconds(30);
        private Duration maxEjectionTime = Duration.ofSeconds(300);
        private int maxEjectionPercent = 10;
        private int panicThresholdPercent = 50;

        Builder() {
        }

        /** Failures in a row that eject, at least 1; default 5. */
        public Builder consecutiveFailures(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("consecutiveFailures must be >= 1 but was " + n);
            }
            this.consecutiveFailures = n;
            return this;
        }

        /** The base ejection time, at least 1 ms; default 30 s. */
        public Builder baseEjectionTime(Duration d) {
            this.baseEjectionTime = Durations.atLeastOneMilli("baseEjectionTime", d);
            return this;
        }

        /** The cap on an ejection, at least 1 ms; default 300 s. */
        public Builder maxEjectionTime(Duration d) {
            this.maxEjectionTime = Durations.atLeastOneMilli("maxEjectionTime", d);
            return this;
        }

        /** The most servers ejected at once, 0..100 percent; default 10. */
        public Builder maxEjectionPercent(int percent) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("maxEjectionPercent must be 0..100 but was " + percent);
            }
            this.maxEjectionPercent = percent;
            return this;
        }

        /** The panic threshold, 0..100 percent; default 50. */
        public Builder panicThresholdPercent(int percent) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("panicThresholdPercent must be 0..100 but was " + percent);
            }
            this.panicThresholdPercent = percent;
            return this;
        }

        /** Builds the configuration. */
        public OutlierDetectionConfig build() {
            if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
                throw new IllegalArgumentException("maxEjectionTime (" + maxEjectionTime
                        + ") must not be shorter than baseEjectionTime (" + baseEjectionTime + ")");
            }
            return new OutlierDetectionConfig(this);
        }
    }
}
