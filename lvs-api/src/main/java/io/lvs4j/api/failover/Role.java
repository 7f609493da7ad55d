package io.lvs4j.api.failover;

/** The role of a director in its failover group, as VRRP and keepalived name the states. */
public enum Role {
    /** Starting up; serves nothing yet. */
    INIT,
    /** Standing by: watches the master and serves nothing. */
    BACKUP,
    /** Active: owns the virtual addresses and serves them. */
    MASTER,
    /** A tracked check failed; serves nothing and does not compete to become master. */
    FAULT
}
