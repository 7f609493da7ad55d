/**
 * The scheduler SPI: a {@link io.lvs4j.api.scheduler.Scheduler} picks a real server for each flow, and
 * {@link io.lvs4j.api.scheduler.SchedulerProvider}s registered with {@link java.util.ServiceLoader} make schedulers by
 * their IPVS name ({@code rr}, {@code wlc}, {@code mh}, ...). {@link io.lvs4j.api.scheduler.Schedulers} is the registry.
 */
@NullMarked
package io.lvs4j.api.scheduler;

import org.jspecify.annotations.NullMarked;
