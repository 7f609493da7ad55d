/**
 * The Netty forwarding engine and the Director that composes virtual services, schedulers, health and failover.
 */
@NullMarked
package io.lvs4j.forward;

import org.jspecify.annotations.NullMarked;
