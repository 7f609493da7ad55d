package io.lvs4j.api.failover;

import java.util.Objects;

/**
 * A change of role.
 *
 * @param previous the role before
 * @param current the role now
 * @param epoch a number that grows with every mastership this node or the group has seen (a fencing token): a
 *     takeover action can tell a stale master's commands apart; 0 when the protocol has none
 * @param reason why, e.g. {@code "master down interval expired"} or {@code "higher priority advert from 10.0.0.2"}
 */
public record RoleChange(Role previous, Role current, long epoch, String reason) {

    /** Validates the fields. */
    public RoleChange {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(reason, "reason");
    }
}
