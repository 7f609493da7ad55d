/**
 * lvs4j's meters for Micrometer: {@link io.lvs4j.micrometer.LvsMetrics} creates a
 * {@link io.micrometer.core.instrument.binder.MeterBinder} for a {@code Director}'s statistics, a
 * {@code HealthMonitor}'s events and a {@code Failover}'s role, to bind to an application's own registry (Prometheus,
 * or any other Micrometer backend).
 */
@NullMarked
package io.lvs4j.micrometer;

import org.jspecify.annotations.NullMarked;
