package io.lvs4j.failover;

import io.lvs4j.api.failover.RoleChange;

/**
 * Something a director does when its failover role changes: keepalived's {@code virtual_ipaddress} and its
 * {@code notify} scripts. Attach actions with {@link TakeoverActions#attach}; they then run on a thread of their own,
 * one change at a time and in order, never on the failover's event loop, so a slow command cannot delay adverts.
 *
 * <p>The in-process action, binding the virtual services only while master, is the {@code Director}'s own: give it the
 * failover with {@code DirectorBuilder.failover}.
 */
@FunctionalInterface
public interface TakeoverAction extends AutoCloseable {

    /** Acts on a role change. Exceptions are logged and do not stop later actions or changes. */
    void roleChanged(RoleChange change) throws Exception;

    /** Releases what the action holds (timers, for instance); called when the attachment is closed. */
    @Override
    default void close() {
    }
}
