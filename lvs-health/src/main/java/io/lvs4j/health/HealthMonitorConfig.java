package io.lvs4j.health;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a health monitor runs its checks; immutable, built by {@link #builder()}. The words are keepalived's:
 * {@code delay_loop}, {@code retry}, {@code delay_before_retry}, {@code warmup}, {@code alpha},
 * {@code inhibit_on_failure}; {@code rise} and {@code fall} are HAProxy's.
 *
 * <p>A check <em>fails</em> once it and its {@code retry} retries (each {@code delayBeforeRetry} apart) have failed;
 * a real server goes down after {@code fall} consecutive failed checks and comes back after {@code rise} consecutive
 * passed ones. The first check of each server runs after a random delay up to {@code warmup}, so a restart does not
 * probe every server at once.
 */
public final class HealthMonitorConfig {

    /** Default time between checks of one real server: 6 s (keepalived's own default is 60 s). */
    public static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(6);
    /** Default retries of a failed check before it counts: {@value}. */
    public static final int DEFAULT_RETRY = 1;
    /** Default delay before a retry: 1 s, as keepalived. */
    public static final Duration DEFAULT_DELAY_BEFORE_RETRY = Duration.ofSeconds(1);
    /** Default consecutive passed checks to come back up: {@value}. */
    public static final int DEFAULT_RISE = 1;
    /** Default consecutive failed checks to go down: {@value}. */
    public static final int DEFAULT_FALL = 1;

    private final Duration delayLoop;
    private final int retry;
    private final Duration delayBeforeRetry;
    private final int rise;
    private final int fall;
    private final Duration warmup;
    private final boolean alpha;
    private final boolean inhibitOnFailure;
    private final Duration jitter;

    private HealthMonitorConfig(Builder b) {
        this.delayLoop = b.delayLoop;
        this.retry = b.retry;
        this.delayBeforeRetry = b.delayBeforeRetry;
        this.rise = b.rise;
        this.fall = b.fall;
        this.warmup = b.warmup == null ? b.delayLoop : b.warmup;
        this.alpha = b.alpha;
        this.inhibitOnFailure = b.inhibitOnFailure;
        this.jitter = b.jitter;
    }

    /** Each delay loop is lengthened by a random time in {@code [0, jitter]}, so checks drift apart; default 0. */
    public Duration jitter() {
        return jitter;
    }

    /** Equal when every setting is. */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof HealthMonitorConfig c && delayLoop.equals(c.delayLoop) && retry == c.retry
                && delayBeforeRetry.equals(c.delayBeforeRetry) && rise == c.rise && fall == c.fall
                && warmup.equals(c.warmup) && alpha == c.alpha && inhibitOnFailure == c.inhibitOnFailure
                && jitter.equals(c.jitter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delayLoop, retry, delayBeforeRetry, rise, fall, warmup, alpha, inhibitOnFailure, jitter);
    }

    /** The defaults. */
    public static HealthMonitorConfig ofDefaults() {
        return builder().build();
    }

    /** Starts a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Time between two checks of a real server. */
    public Duration delayLoop() {
        return delayLoop;
    }

    /** Retries of a failed check before it counts as failed. */
    public int retry() {
        return retry;
    }

    /** Delay before each retry. */
    public Duration delayBeforeRetry() {
        return delayBeforeRetry;
    }

    /** Consecutive passed checks that bring a real server up. */
    public int rise() {
        return rise;
    }

    /** Consecutive failed checks that take a real server down. */
    public int fall() {
        return fall;
    }

    /** The first check runs after a random delay in {@code [0, warmup]}; default the delay loop. */
    public Duration warmup() {
        return warmup;
    }

    /** Whether real servers start down and must pass {@code rise} checks first (keepalived's {@code alpha}). */
    public boolean alpha() {
        return alpha;
    }

    /** Whether a failed server is set to weight 0 (quiescent) instead of down, keeping its connections. */
    public boolean inhibitOnFailure() {
        return inhibitOnFailure;
    }

    /** Builds a {@link HealthMonitorConfig}; setters fail fast naming the field and the value. */
    public static final class Builder {
        private Duration delayLoop = DEFAULT_DELAY_LOOP;
        private int retry = DEFAULT_RETRY;
        private Duration delayBeforeRetry = DEFAULT_DELAY_BEFORE_RETRY;
        private int rise = DEFAULT_RISE;
        private int fall = DEFAULT_FALL;
        private @Nullable Duration warmup;
        private boolean alpha;
        private boolean inhibitOnFailure;
        private Duration jitter = Duration.ZERO;

        Builder() {
        }

        /** Random extra time of up to {@code jitter} on each delay loop; zero (the default) keeps loops exact. */
        public Builder jitter(Duration jitter) {
            Objects.requireNonNull(jitter, "jitter");
            if (jitter.isNegative()) {
                throw new IllegalArgumentException("jitter must be >= 0 but was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Time between checks, at least 1 ms. */
        public Builder delayLoop(Duration delayLoop) {
            this.delayLoop = Durations.atLeastOneMilli("delayLoop", delayLoop);
            return this;
        }

        /** Retries before a check counts as failed, 0 or more. */
        public Builder retry(int retry) {
            if (retry < 0) {
                throw new IllegalArgumentException("retry must be >= 0 but was " + retry);
            }
            this.retry = retry;
            return this;
        }

        /** Delay before each retry, at least 1 ms. */
        public Builder delayBeforeRetry(Duration delay) {
            this.delayBeforeRetry = Durations.atLeastOneMilli("delayBeforeRetry", delay);
            return this;
        }

        /** Consecutive passes to come up, at least 1. */
        public Builder rise(int rise) {
            if (rise < 1) {
                throw new IllegalArgumentException("rise must be >= 1 but was " + rise);
            }
            this.rise = rise;
            return this;
        }

        /** Consecutive failures to go down, at least 1. */
        public Builder fall(int fall) {
            if (fall < 1) {
                throw new IllegalArgumentException("fall must be >= 1 but was " + fall);
            }
            this.fall = fall;
            return this;
        }

        /** Upper bound of the random delay before a server's first check; zero checks at once. */
        public Builder warmup(Duration warmup) {
            Objects.requireNonNull(warmup, "warmup");
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warmup must be >= 0 but was " + warmup);
            }
            this.warmup = warmup;
            return this;
        }

        /** Start real servers down (keepalived {@code alpha}); default false. */
        public Builder alpha(boolean alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Quiesce failed servers instead of taking them down; default false. */
        public Builder inhibitOnFailure(boolean inhibit) {
            this.inhibitOnFailure = inhibit;
            return this;
        }

        /** Builds the configuration. */
        public HealthMonitorConfig build() {
            return new HealthMonitorConfig(this);
        }
    }
}
