package io.lvs4j.forward;

/** The Netty transport the director runs on. */
public enum Transport {
    /**
     * The transport lvs4j trusts on this platform: NIO for now. (With Netty 4.2.18, epoll resets a connection whose
     * client finishes sending while the director has paused reading it; see {@link #EPOLL}.)
     */
    AUTO,
    /**
     * Linux epoll; fails to start where it is not available. Known issue with Netty 4.2.18: when a channel's epoll
     * interest set becomes empty (reads paused for backpressure and the peer's FIN seen), Netty removes it from epoll
     * but does not remember that, and the next change fails with ENOENT and closes the connection.
     */
    EPOLL,
    /** Java NIO, portable. */
    NIO
}
