package io.lvs4j.failover;

import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.FailoverHandover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.failover.internal.DefaultVrrpFailover;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The built-in {@link Failover}: the VRRP-style protocol of docs/failover-protocol.md over UDP unicast (or multicast),
 * on its own single-threaded event loop. Adverts are authenticated (HMAC-SHA256), carry their sender's identity
 * (address and port, which must be the datagram's source) and run (a random boot id), and are checked against replays
 * before they reach the RFC 5798 state machine; bad ones are counted ({@link #rejections()}), logged at WARN the first
 * time of each kind, and dropped. A Director given this failover binds its virtual services only while it is
 * {@link Role#MASTER}.
 *
 * <pre>{@code
 * try (VrrpFailover failover = VrrpFailover.create(VrrpConfig.builder(51, bind).peer(other).key(1, key).build())) {
 *     failover.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops as {@link #stop()} does and waits at most {@link #CLOSE_TIMEOUT}; an interrupt while it
 * waits ends the wait at once and stays set on the thread. It never throws. Thread-safe.
 */
public interface VrrpFailover extends Failover {

    /** How often a kind of rejection is logged at WARN after its first: every 10 minutes at most. */
    Duration REJECTION_LOG_PERIOD = Duration.ofMinutes(10);

    /** A failover node on the system's clocks; nothing runs until {@link #start()}. */
    static VrrpFailover create(VrrpConfig config) {
        return create(config, FailoverClock.system());
    }

    /** A failover node reading {@code clock} (tests step it); nothing runs until {@link #start()}. */
    static VrrpFailover create(VrrpConfig config, FailoverClock clock) {
        return new DefaultVrrpFailover(Objects.requireNonNull(config, "config"), clock);
    }

    /**
     * Datagrams dropped on the failover port since start, by reason, every reason present (0 when none); a snapshot,
     * callable from any thread.
     */
    Map<AdvertRejection, Long> rejections();

    /**
     * Whether this node runs without a key of its own: its adverts are signed with lvs4j's well-known key, so anyone
     * who can reach the failover port can forge them. Logged at WARN at every start.
     */
    boolean insecure();

    /**
     * A tracked check failed ({@code true}) or recovered: in FAULT the node leaves the election (a master resigns
     * first, so a backup takes over after its skew time) and rejoins when the fault clears.
     */
    void setFault(boolean fault);

    /**
     * Sets or clears the fault of one {@code source} (a tracked script, a quorum, a sync group...): the node is in
     * FAULT while any source is.
     */
    void setFault(String source, boolean fault);

    /** The sources currently holding this node in FAULT. */
    Set<String> faults();

    /** Tracking that raises or lowers this node's priority (1..254); used from the next advert and election on. */
    void setTrackedPriority(int priority);

    /**
     * Tracks the quorum of {@code service} on {@code monitor}: losing it puts this node in FAULT, regaining it clears
     * the fault. A director whose real servers are gone thus hands the virtual address to a standby that has them.
     */
    Registration trackQuorum(HealthMonitor monitor, VirtualService service);

    /**
     * keepalived's {@code track_script}: applies the current state of every script this node tracks. A script of
     * weight 0 holds the node in FAULT (source {@code "vrrp_script NAME"}) while it is down; the others move the
     * priority as {@link #trackedPriority} says, from the next advert and election on. An address owner (configured
     * priority 255) never changes its priority, as in keepalived. Call it with all scripts whenever one changes.
     */
    void trackScripts(Collection<TrackedScript> scripts);

    /**
     * The priority keepalived's {@code track_script} gives a node configured with {@code priority}: the weight of each
     * script with a positive weight that is up and of each script with a negative weight that is down is added, then
     * the sum is kept within 1..254. Scripts of weight 0 do not count (they put the node in FAULT instead).
     */
    static int trackedPriority(int priority, Collection<TrackedScript> scripts) {
        int sum = priority;
        for (TrackedScript s : scripts) {
            int w = s.weight();
            if (w > 0 && s.up() || w < 0 && !s.up()) {
                sum += w;
            }
        }
        return Math.max(1, Math.min(254, sum));
    }

    /**
     * This node's part in a hitless upgrade (docs/failover-protocol.md, "Handing over a running node"): its socket,
     * role and run (boot id, sequence, uptime), which the peers' replay guards follow, go to a successor process, so
     * the peers see no role change. A {@code Director} with a handover socket uses it. Works on Netty's epoll
     * transport with unicast peers; otherwise {@link FailoverHandover#pause()} fails saying so.
     */
    @Override
    FailoverHandover handover();
}
