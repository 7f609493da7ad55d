package io.lvs4j.keepalived;

import io.lvs4j.failover.VrrpFailover;
import java.util.Map;

/** What tests outside this package read of a running director that is not API (through the test jar). */
public final class KeepalivedTestAccess {

    private KeepalivedTestAccess() {
    }

    /** The director's failover instances by VRRP instance name. */
    public static Map<String, VrrpFailover> failovers(KeepalivedDirector director) {
        return director.failovers();
    }
}
