package io.lvs4j.health;

import java.time.Duration;
import java.util.Objects;

/** The duration check the builders of this package share. */
final class Durations {

    private Durations() {
    }

    /**
     * {@code d}, if it is at least 1 ms.
     *
     * @throws IllegalArgumentException naming {@code field} and the value otherwise
     */
    static Duration atLeastOneMilli(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(field + " must be >= 1ms but was " + d);
        }
        return d;
    }
}
