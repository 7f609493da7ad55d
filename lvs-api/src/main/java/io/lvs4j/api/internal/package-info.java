/**
 * Engine-only access to lvs-api objects, for lvs4j's own modules (the forwarding engine, schedulers, health and
 * failover, the keepalived runtime). Not API: it may change in any release, and an application that calls it can
 * corrupt the counters the schedulers read. {@link io.lvs4j.api.internal.ProcessGroups} is the one way lvs-health and
 * lvs-failover run commands (in a process group of their own), which they cannot share otherwise: neither may depend on
 * the other. {@link io.lvs4j.api.internal.DropOldestExecutor} is the bounded queue of lvs-failover's takeover actions
 * and lvs-keepalived's notify commands: lvs-keepalived may not use lvs-failover's internal packages. The architecture
 * test keeps the examples out of it.
 */
@NullMarked
package io.lvs4j.api.internal;

import org.jspecify.annotations.NullMarked;
