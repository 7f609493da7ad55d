package io.lvs4j.scheduler.internal;

import io.lvs4j.api.scheduler.SchedulerConfig;

/** The slow-start ramp of {@link SchedulerConfig}: effective weight as a function of time since a server came up. */
final class SlowStart {

    private static final SlowStart OFF = new SlowStart(0, 1, 0);

    private final long windowNanos;
    private final double inverseAggression;
    private final double minFraction;

    private SlowStart(long windowNanos, double aggression, int minWeightPercent) {
        this.windowNanos = windowNanos;
        this.inverseAggression = 1.0 / aggression;
        this.minFraction = minWeightPercent / 100.0;
    }

    static SlowStart of(SchedulerConfig config) {
        long nanos = config.slowStartWindow().toNanos();
        return nanos == 0 ? OFF
                : new SlowStart(nanos, config.slowStartAggression(), config.slowStartMinWeightPercent());
    }

    boolean enabled() {
        return windowNanos > 0;
    }

    long windowNanos() {
        return windowNanos;
    }

    /** {@code weight × max(min, (elapsed / window) ^ (1 / aggression))}, at least 1 for a positive weight. */
    int effectiveWeight(int weight, long elapsedNanos) {
        if (weight <= 0 || elapsedNanos >= windowNanos) {
            return weight;
        }
        double progress = Math.max(0, (double) elapsedNanos / windowNanos);
        double factor = Math.max(minFraction, Math.pow(progress, inverseAggression));
        return (int) Math.max(1, Math.min(weight, Math.round(weight * factor)));
    }
}
