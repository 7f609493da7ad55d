/**
 * The lvs4j data path: a {@link io.lvs4j.forward.Director} accepts client connections (TCP) and datagrams (UDP) on its
 * virtual services, picks a real server with the service's scheduler, and relays bytes both ways with Netty. Build one
 * with {@link io.lvs4j.forward.Director#builder()}.
 */
@NullMarked
package io.lvs4j.forward;

import org.jspecify.annotations.NullMarked;
