/**
 * Health checking for lvs4j: {@link io.lvs4j.health.HealthMonitors} makes a {@link io.lvs4j.api.health.HealthMonitor}
 * that runs keepalived-style checks (delay loop, retry, delay before retry, warm-up, alpha, inhibit-on-failure) with
 * HAProxy-style rise and fall, drives each real server's state, and tracks each virtual service's quorum with
 * hysteresis. Built-in checks are keepalived's ({@link io.lvs4j.health.CheckFactory#tcp}, {@code http}, {@code udp},
 * {@code dns}, {@code smtp}, {@code command}); custom checks are lambdas returning a {@code CompletionStage}.
 * {@link io.lvs4j.health.OutlierDetection} ejects real servers from passive observation of real traffic.
 */
@NullMarked
package io.lvs4j.health;

import org.jspecify.annotations.NullMarked;
