package io.lvs4j.failover;

/**
 * Why a {@link VrrpFailover} dropped a datagram received on its failover port, as counted by
 * {@link VrrpFailover#rejections()}. The first of each kind is logged at WARN with its sender; later ones at most
 * once every {@link VrrpFailover#REJECTION_LOG_PERIOD} per kind, with their count. None changes any node's role.
 */
public enum AdvertRejection {
    /** Shorter than the smallest advert, or lengths that do not add up. */
    MALFORMED,
    /** Not an lvs4j advert (magic or type). */
    FOREIGN,
    /** An lvs4j advert of another format version: a node of the group runs an lvs4j release that cannot talk to us. */
    VERSION,
    /** Signed with a key id this node does not hold. */
    UNKNOWN_KEY,
    /** The HMAC does not match: forged, corrupted, or signed with another key under the same id. */
    BAD_MAC,
    /** Authenticated, but for another virtual router id (several groups on one multicast group and port). */
    OTHER_ROUTER,
    /**
     * Authenticated, but the identity inside it (address and port) is not the datagram's source, or is this node's
     * own: a captured advert re-sent from elsewhere, or NAT between the nodes.
     */
    IDENTITY_MISMATCH,
    /**
     * Authenticated and from where it says, but already seen: a sequence number not above the last accepted from its
     * sender, a run (boot) of the sender that a newer one replaced, or a second run while the known one is alive.
     */
    REPLAYED,
    /**
     * Too old: a sender's new run whose wall clock is outside the freshness window of ours (clocks apart by more than
     * the window, or a capture older than it), or an advert whose uptime fell behind by more than the window.
     */
    STALE
}
