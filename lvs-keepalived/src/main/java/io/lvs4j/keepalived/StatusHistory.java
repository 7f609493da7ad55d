package io.lvs4j.keepalived;

import io.lvs4j.api.health.CheckResult;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the status document says beyond the live counters: each real server's last check result and last transition
 * (health or operator hold), and each VRRP instance's last role change, with when they happened. One entry per real
 * server and per instance, replaced on each event, so it is bounded by the configuration. Thread-safe.
 */
final class StatusHistory {

    /** A check's outcome and when it completed. */
    record Check(boolean healthy, String detail, Instant at) {
    }

    /** A transition: to what, why and when. */
    record Change(String to, String reason, Instant at) {
    }

    private final Clock clock;
    private final Map<KeepalivedDirector.RealKey, Check> checks = new ConcurrentHashMap<>();
    private final Map<KeepalivedDirector.RealKey, Change> changes = new ConcurrentHashMap<>();
    private final Map<String, Change> roles = new ConcurrentHashMap<>();

    StatusHistory(Clock clock) {
        this.clock = clock;
    }

    void checked(KeepalivedDirector.RealKey real, CheckResult result) {
        checks.put(real, new Check(result.healthy(), result.detail(), clock.instant()));
    }

    void changed(KeepalivedDirector.RealKey real, String to, String reason) {
        changes.put(real, new Change(to, reason, clock.instant()));
    }

    void roleChanged(String instance, String to, String reason) {
        roles.put(instance, new Change(to, reason, clock.instant()));
    }

    @Nullable Check lastCheck(KeepalivedDirector.RealKey real) {
        return checks.get(real);
    }

    @Nullable Change lastChange(KeepalivedDirector.RealKey real) {
        return changes.get(real);
    }

    @Nullable Change lastRoleChange(String instance) {
        return roles.get(instance);
    }

    /** Forgets real servers the running configuration no longer has. */
    void retain(Predicate<KeepalivedDirector.RealKey> keep) {
        checks.keySet().removeIf(k -> !keep.test(k));
        changes.keySet().removeIf(k -> !keep.test(k));
    }

    Instant now() {
        return clock.instant();
    }
}
