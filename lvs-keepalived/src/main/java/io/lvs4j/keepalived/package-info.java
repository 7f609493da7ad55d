/**
 * The operator's director as a library: a keepalived.conf is read into a specification (a
 * {@link io.lvs4j.keepalived.spec.DirectorSpec}, which {@code lvs4j forward} builds from its flags instead;
 * {@link io.lvs4j.keepalived.KeepalivedConfig#load}, which reports {@link io.lvs4j.keepalived.ConfigProblem}s at
 * {@link io.lvs4j.keepalived.ConfigPosition}s, or throws a {@link io.lvs4j.keepalived.ConfigException} on a syntax
 * error) and run by {@link io.lvs4j.keepalived.KeepalivedDirector}: one {@code Director} per VRRP instance, the health
 * monitor, the failover instances with their tracked scripts, virtual addresses and notify commands, operator holds,
 * and atomic reloads ({@link io.lvs4j.keepalived.Reloader} runs them one at a time).
 * {@link io.lvs4j.keepalived.AdminServer} is its token-protected admin endpoint ({@link io.lvs4j.keepalived.AdminToken}).
 * The grammar, the keyword schema and the script runner are implementation, in {@code io.lvs4j.keepalived.internal}.
 */
@NullMarked
package io.lvs4j.keepalived;

import org.jspecify.annotations.NullMarked;
