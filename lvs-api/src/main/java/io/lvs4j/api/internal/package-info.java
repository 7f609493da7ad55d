/**
 * Engine-only access to lvs-api objects, for lvs4j's own modules (the forwarding engine, schedulers, health and
 * failover, the keepalived runtime). Not API: it may change in any release, and an application that calls it can
 * corrupt the counters the schedulers read. The architecture test keeps the examples out of it.
 */
@NullMarked
package io.lvs4j.api.internal;

import org.jspecify.annotations.NullMarked;
