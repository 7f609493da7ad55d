package io.lvs4j.api;

/**
 * The health state of a real server, set by a health monitor or by an operator.
 *
 * <p>Health is separate from weight: a real server that is {@link #UP} with weight 0 is <em>quiescent</em> (it keeps
 * its established connections but receives no new ones), as in IPVS.
 */
public enum RealServerState {
    /** The real server passes its checks (or has none) and may be scheduled. */
    UP,
    /** The real server failed its checks; schedulers skip it. */
    DOWN
}
