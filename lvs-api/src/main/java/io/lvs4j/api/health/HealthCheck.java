package io.lvs4j.api.health;

import io.lvs4j.api.RealServer;
import java.util.concurrent.CompletionStage;

/**
 * One probe of one real server (keepalived's {@code TCP_CHECK}, {@code HTTP_GET}, {@code MISC_CHECK}, or a lambda).
 *
 * <p>A check is asynchronous: it returns at once and completes the stage when the probe ends. It must not block the
 * calling thread, and a failure to reach the server is a {@link CheckResult#down(String) down} result, not an
 * exceptional stage; an exceptional stage is also taken as down.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Probes {@code realServer} once. */
    CompletionStage<CheckResult> check(RealServer realServer);
}
