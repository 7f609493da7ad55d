/**
 * Authenticated VRRP-style active-standby failover and virtual address takeover.
 */
@NullMarked
package io.lvs4j.failover;

import org.jspecify.annotations.NullMarked;
