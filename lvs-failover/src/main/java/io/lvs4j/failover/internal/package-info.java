/** The failover protocol's implementation: packet codec, authentication, the RFC 5798 state machine. Not API. */
@NullMarked
package io.lvs4j.failover.internal;

import org.jspecify.annotations.NullMarked;
