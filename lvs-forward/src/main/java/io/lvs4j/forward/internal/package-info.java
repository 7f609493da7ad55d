/** The forwarding engine's implementation. Not API. */
@NullMarked
package io.lvs4j.forward.internal;

import org.jspecify.annotations.NullMarked;
