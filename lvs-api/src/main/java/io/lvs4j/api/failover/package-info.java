/**
 * The failover SPI: a {@link io.lvs4j.api.failover.Failover} protocol decides which director of a group is
 * {@link io.lvs4j.api.failover.Role#MASTER} and serves the virtual addresses; the others wait as
 * {@link io.lvs4j.api.failover.Role#BACKUP}. Roles and priorities follow VRRP (RFC 5798) and keepalived.
 */
@NullMarked
package io.lvs4j.api.failover;

import org.jspecify.annotations.NullMarked;
