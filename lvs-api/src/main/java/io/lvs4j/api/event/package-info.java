/**
 * Typed events published by lvs4j objects to the listeners registered with them, e.g.
 * {@link io.lvs4j.api.RealServer#onEvent}.
 */
@NullMarked
package io.lvs4j.api.event;

import org.jspecify.annotations.NullMarked;
