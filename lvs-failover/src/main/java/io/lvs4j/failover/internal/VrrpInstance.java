package io.lvs4j.failover.internal;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.failover.Role;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The VRRP state machine of RFC 5798 section 6.4 for one virtual router, as pure logic: adverts and timer expiries go
 * in, adverts to send, timers to set and role changes come out through {@link Port}. All calls must come from one
 * thread (the instance's event loop).
 *
 * <ul>
 *   <li>Skew time = (256 − priority) × master advert interval / 256; master down interval = 3 × interval + skew
 *       (3.61 s for 100 cs and priority 100).</li>
 *   <li>Priority 255 (the address owner) becomes master at once; 0 is sent by a master that resigns, after which a
 *       backup takes over after only its skew time.</li>
 *   <li>A higher priority wins; equal priorities go to the higher address. With preemption (the default) a backup
 *       with a higher priority than the master's adverts takes over; without it, it waits for the master to fail.</li>
 *   <li>A master that hears an advert from a better master steps down, which is how two masters after a healed
 *       partition become one within one advert interval.</li>
 *   <li>lvs4j extension: a master sends {@code advertsPerInterval} adverts per advert interval (default 2) while
 *       announcing the full interval, so backups run the RFC's timers unchanged but a false takeover needs about
 *       seven adverts lost in a row instead of three (with 20% loss: 0.2^7 instead of 0.2^3 per interval). With 1 the
 *       instance behaves exactly as the RFC says.</li>
 * </ul>
 */
public final class VrrpInstance {

    /** What the state machine asks of its surroundings. */
    public interface Port {
        /** Send an advert with {@code priority} now. */
        void sendAdvert(int priority);

        /** Run {@link VrrpInstance#onTimer} after {@code delayNanos}, replacing any timer set before. */
        void setTimer(long delayNanos);

        /** The role changed. */
        void roleChanged(Role from, Role to, String reason);

        /** A monotonic clock in nanoseconds (for the preempt delay). */
        long nanoTime();
    }

    private static final long CENTI = 10_000_000L;

    private final Port port;
    private final InetSocketAddress address;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final int advertsPerInterval;
    private int priority;
    private int masterAdvertIntervalCentis;
    private Role role = Role.INIT;
    private boolean fault;
    private long preemptDelayNanos;
    private boolean lowerMasterSeen;
    private long lowerMasterSince;

    /**
     * An instance.
     *
     * @param address this node's address and port: its identity, and the tie-breaker between equal priorities (the
     *     port tells apart nodes that share an address, e.g. two directors on one host's loopback)
     * @param priority 1..255
     * @param advertIntervalCentis 1..4095 centiseconds
     */
    public VrrpInstance(Port port, InetSocketAddress address, int priority, int advertIntervalCentis, boolean preempt) {
        this(port, address, priority, advertIntervalCentis, preempt, 2);
    }

    /**
     * An instance sending {@code advertsPerInterval} (1..4) adverts per interval while master; 1 is plain RFC 5798.
     */
    public VrrpInstance(Port port, InetSocketAddress address, int priority, int advertIntervalCentis, boolean preempt,
                        int advertsPerInterval) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be 1..255 but was " + priority);
        }
        if (advertIntervalCentis < 1 || advertIntervalCentis > 4095) {
            throw new IllegalArgumentException("advert interval must be 1..4095 centiseconds but was "
                    + advertIntervalCentis);
        }
        this.port = port;
        this.address = address;
        this.priority = priority;
        this.advertIntervalCentis = advertIntervalCentis;
        this.masterAdvertIntervalCentis = advertIntervalCentis;
        this.preempt = preempt;
        if (advertsPerInterval < 1 || advertsPerInterval > 4) {
            throw new IllegalArgumentException("advertsPerInterval must be 1..4 but was " + advertsPerInterval);
        }
        this.advertsPerInterval = advertsPerInterval;
    }

    /**
     * keepalived's {@code preempt_delay}: a backup that hears a master of lower priority lets it stay master for this
     * long (counted from the first such advert since this node's last role change) before preempting it. A master
     * that falls silent is still replaced after the master down interval. 0 (the default) preempts at once.
     */
    public void setPreemptDelay(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("preempt delay must be >= 0 but was " + nanos + " ns");
        }
        preemptDelayNanos = nanos;
    }

    /** For a lower-priority advert while preempting: whether the preempt delay still holds us back. */
    private boolean preemptionDelayed() {
        if (preemptDelayNanos == 0) {
            return false;
        }
        long now = port.nanoTime();
        if (!lowerMasterSeen) {
            lowerMasterSeen = true;
            lowerMasterSince = now;
        }
        return now - lowerMasterSince < preemptDelayNanos;
    }

    private long advertPeriodNanos() {
        return advertIntervalCentis * CENTI / advertsPerInterval;
    }

    /** The current role. */
    public Role role() {
        return role;
    }

    /** The current priority. */
    public int priority() {
        return priority;
    }

    /** (256 − priority) × master advert interval / 256, in nanoseconds. */
    long skewNanos() {
        return (256L - priority) * masterAdvertIntervalCentis * CENTI / 256;
    }

    /** 3 × master advert interval + skew, in nanoseconds. */
    long masterDownNanos() {
        return 3L * masterAdvertIntervalCentis * CENTI + skewNanos();
    }

    /** Startup: the owner becomes master at once, everyone else backup (RFC 5798 6.4.1). */
    public void start() {
        if (role != Role.INIT) {
            return;
        }
        if (priority == 255) {
            becomeMaster("priority 255: address owner");
        } else {
            masterAdvertIntervalCentis = advertIntervalCentis;
            transition(Role.BACKUP, "started");
            port.setTimer(masterDownNanos());
        }
    }

    /**
     * Hitless upgrade, in the successor: enters {@code handedOver} (MASTER or BACKUP) from INIT at once, as the
     * predecessor had it, instead of starting as a backup. A master sends its advert now.
     */
    public void adopt(Role handedOver) {
        if (role != Role.INIT) {
            throw new IllegalStateException("adopt needs INIT but the instance is " + role);
        }
        if (handedOver == Role.MASTER) {
            // the peers have heard nothing since the predecessor went quiet: the advert goes out before the role
            // change listeners run (a fresh process's first listeners take tens of milliseconds), as RFC 5798 sends
            // the advert before the transition to master
            port.sendAdvert(priority);
            transition(Role.MASTER, "handed over by the predecessor process");
            port.setTimer(advertPeriodNanos());
        } else if (handedOver == Role.BACKUP) {
            masterAdvertIntervalCentis = advertIntervalCentis;
            transition(Role.BACKUP, "handed over by the predecessor process");
            port.setTimer(masterDownNanos());
        } else {
            throw new IllegalArgumentException("only MASTER or BACKUP can be adopted, not " + handedOver);
        }
    }

    /**
     * Hitless upgrade, in the predecessor: its timers were stopped for the handover and the successor did not take
     * over, so it carries on in its role (a master advertises at once, a backup waits a full master down interval).
     */
    public void resume() {
        if (role == Role.MASTER) {
            port.sendAdvert(priority);
            port.setTimer(advertPeriodNanos());
        } else if (role == Role.BACKUP) {
            port.setTimer(masterDownNanos());
        }
    }

    /**
     * Hitless upgrade, in the predecessor: the successor took over, so this instance leaves its role for INIT without
     * resigning (no advert with priority 0: the peers never hear that this process went).
     */
    public void release() {
        if (role != Role.INIT) {
            transition(Role.INIT, "handed over to the successor process");
        }
    }

    /** Shutdown: a master resigns with priority 0 so a backup takes over after its skew time. */
    public void stop() {
        if (role == Role.MASTER) {
            port.sendAdvert(0);
        }
        if (role != Role.INIT) {
            transition(Role.INIT, "stopped");
        }
    }

    /** A tracked check failed ({@code true}) or recovered: FAULT takes the node out of the election. */
    public void fault(boolean faulty) {
        if (faulty == fault) {
            return;
        }
        fault = faulty;
        if (faulty) {
            if (role == Role.MASTER) {
                port.sendAdvert(0);
            }
            transition(Role.FAULT, "a tracked check failed");
        } else if (role == Role.FAULT) {
            role = Role.INIT;
            port.roleChanged(Role.FAULT, Role.INIT, "tracked checks recovered");
            start();
        }
    }

    /** Changes the priority (tracking); takes effect in the next advert and election. */
    public void setPriority(int newPriority) {
        if (newPriority < 1 || newPriority > 254) {
            throw new IllegalArgumentException("tracked priority must be 1..254 but was " + newPriority);
        }
        priority = newPriority;
    }

    /** The timer set through {@link Port#setTimer} fired. */
    public void onTimer() {
        if (role == Role.BACKUP) {
            becomeMaster("master down interval expired");
        } else if (role == Role.MASTER) {
            port.sendAdvert(priority);
            port.setTimer(advertPeriodNanos());
        }
    }

    /**
     * An authenticated, fresh advert for this virtual router arrived from {@code sender}: the identity inside the
     * advert (covered by its MAC, and equal to the datagram's source), never an unauthenticated source port.
     */
    public void onAdvert(int advertPriority, int advertIntervalCentis, InetSocketAddress sender) {
        if (sender.equals(address)) {
            return;
        }
        if (role == Role.BACKUP) {
            if (advertPriority == 0) {
                port.setTimer(skewNanos()); // the master resigned
            } else if (!preempt || advertPriority >= priority || preemptionDelayed()) {
                masterAdvertIntervalCentis = advertIntervalCentis;
                port.setTimer(masterDownNanos());
            }
            // else: a lower priority master and we preempt (after the preempt delay, if any): let the timer run out
            // and take over
        } else if (role == Role.MASTER) {
            if (advertPriority == 0) {
                port.sendAdvert(priority);
                port.setTimer(advertPeriodNanos());
            } else if (advertPriority > priority || (advertPriority == priority && higher(sender, address))) {
                masterAdvertIntervalCentis = advertIntervalCentis;
                transition(Role.BACKUP, "advert from " + format(sender) + " with priority "
                        + advertPriority);
                port.setTimer(masterDownNanos());
            }
            // else: a lesser master will step down on our next advert
        }
    }

    private void becomeMaster(String reason) {
        transition(Role.MASTER, reason);
        port.sendAdvert(priority);
        port.setTimer(advertPeriodNanos());
    }

    private void transition(Role to, String reason) {
        Role from = role;
        role = to;
        lowerMasterSeen = false;
        port.roleChanged(from, to, reason);
    }

    /** Whether {@code a} is higher than {@code b}: the address (unsigned bytes; IPv6 above IPv4), then the port. */
    static boolean higher(InetSocketAddress a, InetSocketAddress b) {
        byte[] x = a.getAddress().getAddress();
        byte[] y = b.getAddress().getAddress();
        if (x.length != y.length) {
            return x.length > y.length;
        }
        int c = Arrays.compareUnsigned(x, y);
        return c != 0 ? c > 0 : a.getPort() > b.getPort();
    }

    private static String format(InetSocketAddress a) {
        return Addresses.format(a);
    }

    /** For tests and logs. */
    @Override
    public String toString() {
        return format(address) + " " + role + " prio " + priority;
    }

}
