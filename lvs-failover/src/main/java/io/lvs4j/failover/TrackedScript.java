package io.lvs4j.failover;

import java.util.Objects;

/**
 * The state of one keepalived {@code vrrp_script} that a node tracks ({@code track_script}), as
 * {@link VrrpFailover#trackScripts} applies it: its name, its {@code weight} and whether it currently counts as up
 * (after its {@code rise} and {@code fall}, which the caller counts).
 *
 * @param name the script's name, used in the FAULT source {@code "vrrp_script NAME"}
 * @param weight 0: the node is in FAULT while the script is down; positive: added to the priority while it is up;
 *               negative: added while it is down
 * @param up whether the script counts as up
 */
public record TrackedScript(String name, int weight, boolean up) {

    /** Checks that the name is given. */
    public TrackedScript {
        Objects.requireNonNull(name, "name");
    }
}
