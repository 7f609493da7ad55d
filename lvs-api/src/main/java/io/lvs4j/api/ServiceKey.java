package io.lvs4j.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A virtual service's identity: its protocol and address, as IPVS keys a service ({@code ipvsadm -t 10.0.0.1:80}).
 *
 * <p>Two {@link VirtualService}s with the same key are the same service in two versions (for example before and after
 * a reload), whatever their scheduler, real servers or other settings. Use it as a map key wherever services are
 * looked up; build one from a service with {@link #of(VirtualService)}. Immutable; {@link #toString()} is the form
 * operators read ({@code TCP 10.0.0.1:80}; an IPv6 address in brackets).
 *
 * @param protocol the transport protocol
 * @param address the address and port clients connect to
 */
public record ServiceKey(Protocol protocol, InetSocketAddress address) {

    /** Checks that neither part is null. */
    public ServiceKey {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
    }

    /** The key of {@code service}: its protocol and address. */
    public static ServiceKey of(VirtualService service) {
        return new ServiceKey(service.protocol(), service.address());
    }

    /** {@code TCP 10.0.0.1:80}; an IPv6 address in brackets, as {@link Addresses#format} writes it. */
    @Override
    public String toString() {
        return protocol + " " + Addresses.format(address);
    }
}
