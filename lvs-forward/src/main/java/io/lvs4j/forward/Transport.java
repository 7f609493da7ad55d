package io.lvs4j.forward;

/** The Netty transport the director runs on. */
public enum Transport {
    /**
     * io_uring where Netty finds it usable (Linux on x86_64 or aarch64 with a recent enough kernel, not disabled by
     * {@code kernel.io_uring_disabled} or a seccomp profile), NIO elsewhere. Not epoll, because of the Netty 4.2.18
     * defect described at {@link #EPOLL}. The system property {@code lvs4j.transport.auto} ({@code nio},
     * {@code epoll} or {@code io_uring}) overrides the choice without a code change.
     */
    AUTO,
    /**
     * Linux epoll; fails to start where it is not available. Known issue with Netty 4.2.18: when a channel's epoll
     * interest set becomes empty (reads paused for backpressure and the peer's FIN seen), Netty removes it from epoll
     * but does not remember that, and the next change fails with ENOENT and closes the connection.
     */
    EPOLL,
    /**
     * Linux io_uring; fails to start where it is not available. System calls are batched: one {@code io_uring_enter}
     * submits and reaps many operations. Accepts are submitted one at a time (lvs4j sets Netty's
     * {@code io.netty.iouring.acceptMultiShotEnabled} to false unless it is already set), so that maxconn's accept
     * backpressure holds.
     */
    IO_URING,
    /** Java NIO, portable. */
    NIO
}
