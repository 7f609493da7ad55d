package io.lvs4j.failover;

import io.lvs4j.api.internal.ProcessGroups;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A command run in a process group of its own, so that it is killed together with everything it started, as
 * keepalived kills a script at its timeout. The notify commands of {@link TakeoverActions} run this way, and so should
 * any other script run on behalf of a failover (keepalived's {@code vrrp_script}).
 *
 * <p>On Linux the command is started through util-linux's {@code setsid}, which makes it the leader of a new session
 * and process group, and {@link #kill} sends SIGKILL to the whole group ({@code kill -KILL -- -PGID}): a child left in
 * the background, even one whose parent has exited, goes too. Where {@code setsid} or {@code kill} is missing (other
 * systems), {@link #kill} kills the command's descendants as they are at that moment, which misses a child that already
 * left them (a double fork). A child that starts a session of its own leaves the group and is not killed.
 *
 * <p>lvs-health's {@code MISC_CHECK} runs its commands the same way, through the same engine-only helper in lvs-api.
 * Thread-safe.
 */
public final class ProcessGroup {

    private final Process process;
    private final boolean ownGroup;

    private ProcessGroup(Process process, boolean ownGroup) {
        this.process = process;
        this.ownGroup = ownGroup;
    }

    /**
     * Starts {@code builder}'s command in a new process group where the system can (see the class comment). The
     * builder's command is left as it was.
     *
     * @throws IOException when the command cannot be started
     */
    public static ProcessGroup start(ProcessBuilder builder) throws IOException {
        return start(builder, ProcessGroups.available());
    }

    /** {@link #start(ProcessBuilder)}, with or without a group of its own; for tests of the fallback. */
    static ProcessGroup start(ProcessBuilder builder, boolean newGroup) throws IOException {
        return new ProcessGroup(ProcessGroups.start(builder, newGroup), newGroup && ProcessGroups.available());
    }

    /** The command's process (with {@code setsid}, the group's leader). */
    public Process process() {
        return process;
    }

    /**
     * Waits up to {@code timeout} for the command to end; if it has not, kills its group and returns false. Interrupted,
     * it kills the group too before rethrowing.
     *
     * @return whether the command ended by itself within {@code timeout}
     */
    public boolean waitOrKill(Duration timeout) throws InterruptedException {
        boolean ended = false;
        try {
            ended = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return ended;
        } finally {
            if (!ended) {
                kill();
            }
        }
    }

    /**
     * Kills the command and its group with SIGKILL (on other systems, its descendants); does not wait for them to go.
     * Calling it again, or after the command ended, is harmless.
     */
    public void kill() {
        ProcessGroups.kill(process, ownGroup);
    }
}
