/** The health monitor's implementation. Not API. */
@NullMarked
package io.lvs4j.health.internal;

import org.jspecify.annotations.NullMarked;
