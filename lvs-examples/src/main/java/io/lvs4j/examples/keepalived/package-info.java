/**
 * keepalived.conf for {@code lvs4j director}: the grammar ({@link io.lvs4j.examples.keepalived.ConfigParser}) and the
 * keywords lvs4j knows, supports or refuses ({@link io.lvs4j.examples.keepalived.ConfigSchema}).
 */
@NullMarked
package io.lvs4j.examples.keepalived;

import org.jspecify.annotations.NullMarked;
