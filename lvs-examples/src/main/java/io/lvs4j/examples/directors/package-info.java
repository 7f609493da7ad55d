/**
 * Example directors to copy from: each class is one runnable program with a {@code main}, built only on the library
 * modules' public API (nothing from the command line, the demo or any {@code internal} package), and has a test
 * that runs it on loopback and checks what its comments claim.
 *
 * <ul>
 *   <li>{@link io.lvs4j.examples.directors.MinimalDirector}: a TCP virtual service over weighted real servers;</li>
 *   <li>{@link io.lvs4j.examples.directors.HealthCheckedDirector}: HTTP health checks, a quorum and a sorry
 *       server;</li>
 *   <li>{@link io.lvs4j.examples.directors.ActiveStandbyDirector}: two directors on one virtual address with the
 *       built-in authenticated VRRP-style failover;</li>
 *   <li>{@link io.lvs4j.examples.directors.ActiveActiveDirector}: directors that all serve, learning their real
 *       servers from ZooKeeper and agreeing on each flow's real server with Maglev hashing;</li>
 *   <li>{@link io.lvs4j.examples.directors.DnsDirector}: a UDP (DNS) virtual service that schedules every datagram on
 *       its own.</li>
 * </ul>
 *
 * <p>Each takes its addresses as arguments and defaults to loopback ones, and has a static {@code start} method that
 * returns something to close, which its {@code main} calls and waits on.
 */
@NullMarked
package io.lvs4j.examples.directors;

import org.jspecify.annotations.NullMarked;
