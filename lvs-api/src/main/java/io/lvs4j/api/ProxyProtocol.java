package io.lvs4j.api;

/**
 * Whether the director sends a PROXY protocol header to a real server at the start of each connection, so the real
 * server learns the client's address (HAProxy's {@code send-proxy} and {@code send-proxy-v2}).
 */
public enum ProxyProtocol {
    /** No header: the real server sees the director's address. */
    NONE,
    /** The human-readable version 1 header ({@code PROXY TCP4 ...\r\n}). */
    V1,
    /** The binary version 2 header. */
    V2
}
