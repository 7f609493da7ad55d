/**
 * The implementation of lvs-keepalived, not API: the keepalived.conf grammar ({@link
 * io.lvs4j.keepalived.internal.ConfigParser}, which yields {@link io.lvs4j.keepalived.internal.ConfigNode}s), the
 * keywords lvs4j knows, supports or refuses ({@link io.lvs4j.keepalived.internal.ConfigSchema}), the translation of
 * checked statements into the specification ({@link io.lvs4j.keepalived.internal.KeepalivedTranslator}), the one
 * translation of the specification into library objects for {@code --check}, a start and a reload
 * ({@link io.lvs4j.keepalived.internal.ServiceBuild}),
 * and the vrrp_script runner ({@link io.lvs4j.keepalived.internal.ScriptTracker}). Only {@code io.lvs4j.keepalived}
 * uses these classes; they change without notice.
 */
@NullMarked
package io.lvs4j.keepalived.internal;

import org.jspecify.annotations.NullMarked;
