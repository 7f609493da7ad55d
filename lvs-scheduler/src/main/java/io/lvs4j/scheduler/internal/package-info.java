/**
 * Scheduler implementations. Not API: use {@link io.lvs4j.api.scheduler.Schedulers} to create them by name.
 */
@NullMarked
package io.lvs4j.scheduler.internal;

import org.jspecify.annotations.NullMarked;
