package io.lvs4j.api.health;

import io.lvs4j.api.RealServer;
import java.util.Objects;

/**
 * The outcome of one {@link HealthCheck}.
 *
 * @param healthy whether the real server passed
 * @param weight a new weight to apply (keepalived's {@code misc_dynamic}), or {@link #KEEP_WEIGHT} to keep it
 * @param detail a short human-readable reason, e.g. {@code "HTTP 503"} or {@code "connect timed out after 2s"}
 */
public record CheckResult(boolean healthy, int weight, String detail) {

    /** The {@link #weight} value that leaves the weight unchanged: {@value}. */
    public static final int KEEP_WEIGHT = -1;

    private static final CheckResult UP = new CheckResult(true, KEEP_WEIGHT, "ok");

    /** Validates the fields. */
    public CheckResult {
        Objects.requireNonNull(detail, "detail");
        if (weight < KEEP_WEIGHT || weight > RealServer.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be -1 (keep) or 0.." + RealServer.MAX_WEIGHT
                    + " but was " + weight);
        }
    }

    /** A pass that keeps the weight. */
    public static CheckResult up() {
        return UP;
    }

    /** A pass that sets the weight, as keepalived's {@code misc_dynamic} does with exit code {@code 2 + weight}. */
    public static CheckResult up(int weight) {
        return new CheckResult(true, weight, "ok, weight " + weight);
    }

    /** A failure, with the reason. */
    public static CheckResult down(String detail) {
        return new CheckResult(false, KEEP_WEIGHT, detail);
    }
}
