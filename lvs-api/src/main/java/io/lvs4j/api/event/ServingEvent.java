package io.lvs4j.api.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A director started or stopped serving: {@code serving} is {@code true} once every virtual service's listener is
 * bound (at start, or on becoming failover master: the moment of the takeover, as keepalived adding the virtual
 * address), {@code false} when the listeners are let go (on stop, or on leaving the master role).
 *
 * @param serving whether the director serves now
 * @param time when the change happened (wall clock)
 */
public record ServingEvent(boolean serving, Instant time) {

    /** Validates the fields. */
    public ServingEvent {
        Objects.requireNonNull(time, "time");
    }
}
