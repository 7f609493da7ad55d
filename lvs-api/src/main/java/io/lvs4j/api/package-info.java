/**
 * The lvs4j vocabulary: a {@link io.lvs4j.api.VirtualService} (protocol, address, port) is served by a set of
 * {@link io.lvs4j.api.RealServer}s; each client connection or datagram stream is a {@link io.lvs4j.api.Flow} that a
 * scheduler assigns to one real server.
 *
 * <p>The names are those of Linux Virtual Server (IPVS) and keepalived: weight, quiescent (weight 0), upper and lower
 * connection thresholds, persistence, quorum, sorry server. This module depends on the JDK only.
 */
@NullMarked
package io.lvs4j.api;

import org.jspecify.annotations.NullMarked;
