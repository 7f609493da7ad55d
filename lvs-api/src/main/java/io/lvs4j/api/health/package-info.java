/**
 * The health-check SPI: a {@link io.lvs4j.api.health.HealthCheck} probes one real server; a
 * {@link io.lvs4j.api.health.HealthMonitor} runs checks on a schedule and drives each real server's state; an
 * {@link io.lvs4j.api.health.OutlierDetector} learns from real traffic.
 */
@NullMarked
package io.lvs4j.api.health;

import org.jspecify.annotations.NullMarked;
