package io.lvs4j.scheduler.internal;

import io.lvs4j.api.scheduler.SchedulerConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/** Uniform random ints from the configured source, or from {@link ThreadLocalRandom}. */
final class Randoms {

    private final @Nullable IntSupplier source;

    Randoms(SchedulerConfig config) {
        this.source = config.random();
    }

    /** 64 uniformly distributed bits. */
    long nextLong() {
        IntSupplier s = source;
        if (s == null) {
            return ThreadLocalRandom.current().nextLong();
        }
        return ((long) s.getAsInt() << 32) | (s.getAsInt() & 0xffffffffL);
    }

    /** A uniformly distributed int in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound) {
        IntSupplier s = source;
        if (s == null) {
            return ThreadLocalRandom.current().nextInt(bound);
        }
        return (int) (((s.getAsInt() & 0xffffffffL) * bound) >>> 32);
    }
}
