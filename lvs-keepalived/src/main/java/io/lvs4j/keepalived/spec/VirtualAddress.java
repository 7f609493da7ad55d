package io.lvs4j.keepalived.spec;

import java.net.InetAddress;

/**
 * A line of virtual_ipaddress: an address a VRRP instance holds while master.
 *
 * @param address the address
 * @param prefixLength its prefix (32 or 128 when not given, as keepalived)
 * @param device its dev, or the instance's interface
 */
public record VirtualAddress(InetAddress address, int prefixLength, String device) {
    /**
     * Whether lvs4j leaves the address alone: a loopback address is always on this host, so it is not added
     * with ip addr nor announced; the director only binds its services while master.
     */
    public boolean loopback() {
        return address.isLoopbackAddress();
    }
}
