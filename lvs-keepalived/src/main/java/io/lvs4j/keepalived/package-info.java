/**
 * The operator's director as a library: a keepalived.conf is read ({@link io.lvs4j.keepalived.KeepalivedConfig},
 * with the grammar in {@link io.lvs4j.keepalived.ConfigParser} and the keywords lvs4j knows, supports or refuses in
 * {@link io.lvs4j.keepalived.ConfigSchema}) and run by {@link io.lvs4j.keepalived.KeepalivedDirector}: one
 * {@code Director} per VRRP instance, the health monitor, the failover instances with their tracked scripts, virtual
 * addresses and notify commands, operator holds, and atomic reloads. {@link io.lvs4j.keepalived.AdminServer} is its
 * token-protected admin endpoint.
 */
@NullMarked
package io.lvs4j.keepalived;

import org.jspecify.annotations.NullMarked;
