package io.lvs4j.api;

/** The transport protocol of a virtual service, as in {@code ipvsadm -t} and {@code ipvsadm -u}. */
public enum Protocol {
    /** TCP: connections are proxied end to end. */
    TCP,
    /** UDP: datagrams are relayed through a flow table keyed by the client address. */
    UDP
}
