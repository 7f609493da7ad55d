/**
 * Active health checks (keepalived checkers) and passive outlier detection.
 */
@NullMarked
package io.lvs4j.health;

import org.jspecify.annotations.NullMarked;
