package io.lvs4j.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>lvs-health keeps a copy of this logic for {@code MISC_CHECK} (implementation modules do not depend on each other;
 * see docs/architecture.md). Thread-safe.
 */
public final class ProcessGroup {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroup.class);
    private static final @Nullable Path SETSID = program("setsid");
    private static final @Nullable Path KILL = program("kill");

    private final Process process;
    private final boolean ownGroup;

    private ProcessGroup(Process process, boolean ownGroup) {
        this.process = process;
        this.ownGroup = ownGroup;
    }

    /** A program of util-linux in the usual places (not from {@code PATH}); only on Linux. */
    private static @Nullable Path program(String name) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Starts {@code builder}'s command in a new process group where the system can (see the class comment). The
     * builder's command is left as it was.
     *
     * @throws IOException when the command cannot be started
     */
    public static ProcessGroup start(ProcessBuilder builder) throws IOException {
        return start(builder, SETSID != null && KILL != null);
    }

    /** {@link #start(ProcessBuilder)}, with or without a group of its own; for tests of the fallback. */
    static ProcessGroup start(ProcessBuilder builder, boolean newGroup) throws IOException {
        if (!newGroup || SETSID == null) {
            return new ProcessGroup(builder.start(), false);
        }
        List<String> command = builder.command();
        List<String> prefixed = new ArrayList<>(command.size() + 2);
        prefixed.add(SETSID.toString());
        prefixed.add("--");
        prefixed.add(executable(builder));
        prefixed.addAll(command.subList(1, command.size()));
        try {
            // setsid does not fork here (a child of this JVM never leads a group), so the pid is the group's id
            return new ProcessGroup(builder.command(prefixed).start(), true);
        } finally {
            builder.command(command);
        }
    }

    /**
     * The program's file, found as the JVM would (a path with a slash as it is, else on the builder's {@code PATH}):
     * {@code setsid} would report a missing program only as its exit status, 127, which a script can also exit with.
     */
    private static String executable(ProcessBuilder builder) throws IOException {
        String program = builder.command().get(0);
        List<String> dirs = program.contains("/") ? List.of("")
                : List.of(builder.environment().getOrDefault("PATH", "/usr/bin:/bin").split(":", -1));
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() && !program.contains("/") ? "." : dir).resolve(program);
            if (!p.isAbsolute() && builder.directory() != null) {
                p = builder.directory().toPath().resolve(p);
            }
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException("Cannot run program \"" + program + "\": no such executable file");
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
        // taken before the leader dies: its children then move to init and are no longer its descendants
        List<ProcessHandle> below = process.descendants().toList();
        if (ownGroup && KILL != null) {
            try {
                new ProcessBuilder(KILL.toString(), "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                LOG.debug("cannot run {} for process group {}: {}", KILL, process.pid(), e.toString());
            }
        }
        below.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
