package io.lvs4j.failover;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * keepalived's {@code vrrp_sync_group}: failover instances of one director that must fail together, such as the
 * outside and inside addresses of a NAT director. When a member enters FAULT by a source of its own (a tracked check,
 * a quorum), every other member is put in FAULT too, so that all of them resign to the standby director; when no
 * member has a fault of its own any more, the group's fault is cleared and they rejoin their elections.
 *
 * <p>MASTER and BACKUP follow from the elections themselves: give the members of one director equal priorities, as
 * keepalived's documentation advises, and they win and lose together.
 */
public final class VrrpSyncGroup implements AutoCloseable {

    private final String source;
    private final List<VrrpFailover> members;
    private final List<Registration> listening = new ArrayList<>();

    private VrrpSyncGroup(String name, List<VrrpFailover> members) {
        this.source = "sync group " + name;
        this.members = members;
    }

    /** Ties {@code members} (at least two) together as sync group {@code name}. */
    public static VrrpSyncGroup of(String name, VrrpFailover... members) {
        Objects.requireNonNull(name, "name");
        if (members.length < 2) {
            throw new IllegalArgumentException("a sync group needs at least 2 members but was given "
                    + members.length);
        }
        VrrpSyncGroup g = new VrrpSyncGroup(name, List.of(members));
        for (VrrpFailover m : g.members) {
            g.listening.add(m.onRoleChange(change -> {
                if (change.current() == Role.FAULT || change.previous() == Role.FAULT) {
                    g.reconcile();
                }
            }));
        }
        g.reconcile();
        return g;
    }

    /** Whether {@code m} is held in FAULT by a source other than this group. */
    private boolean ownFault(VrrpFailover m) {
        Set<String> f = m.faults();
        return f.size() > (f.contains(source) ? 1 : 0);
    }

    /**
     * Puts the group's fault on every member without a fault of its own while some member has one, and takes it off
     * otherwise. A member with a fault of its own never carries the group's, so its recovery is a role change that
     * brings the others back.
     */
    private synchronized void reconcile() {
        boolean any = members.stream().anyMatch(this::ownFault);
        for (VrrpFailover m : members) {
            boolean want = any && !ownFault(m);
            if (m.faults().contains(source) != want) {
                m.setFault(source, want);
            }
        }
    }

    /** Unties the group and clears its fault. */
    @Override
    public synchronized void close() {
        listening.forEach(Registration::close);
        members.forEach(m -> m.setFault(source, false));
    }
}
