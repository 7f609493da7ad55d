package io.lvs4j.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One client connection (TCP) or datagram stream (UDP) arriving at a virtual service: what a scheduler decides on.
 *
 * <p>A flow is immutable and computed once per connection; it carries the IPVS address folds the hash schedulers
 * need, so a pick reads ints instead of copying address bytes. The fold of an IPv4 address is the address as a
 * host-order int; the fold of an IPv6 address is the exclusive-or of its four 32-bit words, also in host order, as in
 * IPVS's {@code ip_vs_sh_hashkey}.
 */
public final class Flow {

    private final Protocol protocol;
    private final InetSocketAddress client;
    private final InetSocketAddress destination;
    private final int clientFold;
    private final int destinationFold;

    private Flow(Protocol protocol, InetSocketAddress client, InetSocketAddress destination) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.client = Addresses.checkResolvedAnyPort("client", client);
        this.destination = Addresses.checkResolvedAnyPort("destination", destination);
        this.clientFold = fold(this.client.getAddress());
        this.destinationFold = fold(this.destination.getAddress());
    }

    /** A flow of {@code protocol} from {@code client} to the virtual service address {@code destination}. */
    public static Flow of(Protocol protocol, InetSocketAddress client, InetSocketAddress destination) {
        return new Flow(protocol, client, destination);
    }

    /** A TCP flow. */
    public static Flow tcp(InetSocketAddress client, InetSocketAddress destination) {
        return new Flow(Protocol.TCP, client, destination);
    }

    /** A UDP flow. */
    public static Flow udp(InetSocketAddress client, InetSocketAddress destination) {
        return new Flow(Protocol.UDP, client, destination);
    }

    /** The transport protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /** The client's address and source port. */
    public InetSocketAddress client() {
        return client;
    }

    /** The address and port the client connected to (the virtual service, or the original destination). */
    public InetSocketAddress destination() {
        return destination;
    }

    /** The client's source port. */
    public int clientPort() {
        return client.getPort();
    }

    /** The IPVS fold of the client address (see the class description). */
    public int clientAddressFold() {
        return clientFold;
    }

    /** The IPVS fold of the destination address. */
    public int destinationAddressFold() {
        return destinationFold;
    }

    /** Folds an address the way IPVS does before hashing it: see the class description. */
    public static int fold(InetAddress address) {
        byte[] b = address.getAddress();
        int f = 0;
        for (int i = 0; i < b.length; i += 4) {
            f ^= (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Flow)) {
            return false;
        }
        Flow f = (Flow) o;
        return protocol == f.protocol && client.equals(f.client) && destination.equals(f.destination);
    }

    @Override
    public int hashCode() {
        return (protocol.hashCode() * 31 + client.hashCode()) * 31 + destination.hashCode();
    }

    /** {@code TCP 10.0.0.9:51000 -> 10.0.0.100:80}. */
    @Override
    public String toString() {
        return protocol + " " + Addresses.format(client) + " -> " + Addresses.format(destination);
    }
}
