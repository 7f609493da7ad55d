package io.lvs4j.api.failover;

import java.util.concurrent.CompletionStage;

/**
 * The part of a {@link Failover} that a hitless upgrade hands from a running process (the predecessor) to its
 * replacement (the successor), so that the group's other nodes see no role change: the protocol's socket (passed as a
 * descriptor, as the listeners are) and the state its peers check, such as a replay guard's run id and sequence. A
 * {@code Director} with a handover socket drives it; an embedder's own failover implements it (and returns it from
 * {@link Failover#handover()}) to take part.
 *
 * <p>Predecessor: {@link #pause()} stops reading and exports (a master still advertises, from below the exported
 * sequence, so that the successor's preparation leaves no gap in its adverts); {@link #quiet()} just before the
 * successor starts (a master stops advertising); then exactly one of {@link #release()} (the successor took over) or
 * {@link #resume()} (it did not). Successor: {@link #adopt} before {@link Failover#start()},
 * which then enters the exported role (the one {@code adopt} returns) at once instead of starting as a backup.
 */
public interface FailoverHandover {

    /**
     * What a paused predecessor hands over.
     *
     * @param role its role: {@link Role#MASTER} or {@link Role#BACKUP}
     * @param socketFd its protocol socket's descriptor, which stays open in the predecessor until {@link #release()}
     * @param state everything else the successor needs, as one line of printable US-ASCII without spaces
     */
    record Export(Role role, int socketFd, String state) {
        /** Checks the fields. */
        public Export {
            if (role != Role.MASTER && role != Role.BACKUP) {
                throw new IllegalArgumentException("only a MASTER or BACKUP can be handed over, not " + role);
            }
            if (socketFd < 0) {
                throw new IllegalArgumentException("socketFd must be >= 0 but was " + socketFd);
            }
            if (state.isEmpty() || !state.chars().allMatch(c -> c > ' ' && c < 127)) {
                throw new IllegalArgumentException("state must be printable US-ASCII without spaces: " + state);
            }
        }
    }

    /**
     * Predecessor: stops reading, keeping the socket and role, and exports them. A {@link Role#MASTER} goes on
     * advertising until {@link #quiet()}, with sequences below the one it exports (the successor's adverts continue
     * from that one, so the peers accept them and refuse none of the predecessor's); a {@link Role#BACKUP} stops its
     * timers now. Fails when the node cannot be handed over now (not started, in FAULT, or on a socket whose
     * descriptor cannot be passed), naming why; it then carries on as before.
     */
    CompletionStage<Export> pause();

    /**
     * Predecessor, after {@link #pause()}, when the successor is about to start: a master stops advertising (no
     * resignation); completes once it has, so that the successor's first advert follows its last by one exchange on
     * the handover socket. Nothing to do for a backup.
     */
    CompletionStage<Void> quiet();

    /**
     * Predecessor, after {@link #pause()}: the successor took over. Closes this process's copy of the socket without
     * resigning and leaves the node in {@link Role#INIT} without telling its role-change listeners (the successor
     * holds the role: a takeover action of this process must not undo it, e.g. delete the virtual address); stopping
     * it later sends nothing.
     */
    void release();

    /**
     * Predecessor, after {@link #pause()}: no successor took over (it refused, failed or died). Sends and reads again
     * in the role it had, with its sequence moved past anything the successor may have sent meanwhile.
     */
    void resume();

    /**
     * Successor, before {@link Failover#start()}: start on the predecessor's socket from its exported state.
     *
     * @return the role that {@link Failover#start()} will enter, read from {@code state}: {@link Role#MASTER} or
     *     {@link Role#BACKUP} (a {@code Director} binds the adopted listeners before it starts a master, so that it
     *     serves as it advertises)
     * @throws IllegalArgumentException naming the field when the state is malformed or does not fit this node (another
     *     virtual router or address, or a lower priority than the predecessor's)
     * @throws IllegalStateException when already started
     */
    Role adopt(int socketFd, String state);
}
