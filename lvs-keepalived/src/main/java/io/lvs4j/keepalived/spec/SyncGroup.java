package io.lvs4j.keepalived.spec;

import java.util.List;

/**
 * A vrrp_sync_group: VRRP instances that change role together.
 *
 * @param name its name
 * @param members the instances' names
 * @param notifyChange notify (every change)
 * @param notifyMaster notify_master
 * @param notifyBackup notify_backup
 * @param notifyFault notify_fault
 */
public record SyncGroup(String name, List<String> members, List<String> notifyChange, List<String> notifyMaster,
        List<String> notifyBackup, List<String> notifyFault) {
    /** Copies the lists. */
    public SyncGroup {
        members = List.copyOf(members);
    }
}
