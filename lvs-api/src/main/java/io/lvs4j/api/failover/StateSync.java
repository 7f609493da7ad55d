package io.lvs4j.api.failover;

/**
 * State a master director replicates to its backups through its {@link Failover}, so that a backup that takes over
 * already has it: persistence templates, so that returning clients keep their real server. The failover calls
 * {@link #export} on the master and {@link #apply} on the backups, on its own thread; both must be quick and must not
 * throw.
 */
public interface StateSync {

    /**
     * The state to send from the master: a full snapshot when {@code full}, otherwise what changed since the previous
     * export (possibly nothing: an empty array). At most {@code maxBytes}; what does not fit waits for a later export.
     */
    byte[] export(boolean full, int maxBytes);

    /** Applies state received from the master. Bytes it cannot read are dropped (and logged), never thrown. */
    void apply(byte[] state);
}
