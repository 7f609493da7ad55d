package io.lvs4j.api.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Commands run in a process group of their own and killed with everything they started, as keepalived kills a script
 * at its timeout: lvs-health's {@code MISC_CHECK} and lvs-failover's {@code ProcessGroup} (notify commands, tracked
 * scripts) both run their commands this way. Not API.
 *
 * <p>On Linux a command is started through util-linux's {@code setsid}, which makes it the leader of a new session and
 * process group, and {@link #kill} sends SIGKILL to the whole group ({@code kill -KILL -- -PGID}): a child left in the
 * background, even one whose parent has exited, goes too. Where {@code setsid} or {@code kill} is missing (other
 * systems), {@link #kill} kills the command's descendants as they are at that moment, which misses a child that already
 * left them (a double fork). A child that starts a session of its own leaves the group and is not killed. Thread-safe.
 */
public final class ProcessGroups {

    private static final @Nullable Path SETSID = program("setsid");
    private static final @Nullable Path KILL = program("kill");

    private ProcessGroups() {
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

    /** Whether commands can run in a process group of their own here: Linux, with {@code setsid} and {@code kill}. */
    public static boolean available() {
        return SETSID != null && KILL != null;
    }

    /**
     * Starts {@code builder}'s command, as the leader of a new process group when {@code newGroup} and
     * {@link #available()}. The builder's command is left as it was.
     *
     * @throws IOException when the command cannot be started (a program that is not there is reported here, not as
     *     {@code setsid}'s exit status 127)
     */
    public static Process start(ProcessBuilder builder, boolean newGroup) throws IOException {
        Path setsid = SETSID;
        if (!newGroup || !available() || setsid == null) {
            return builder.start();
        }
        List<String> command = builder.command();
        List<String> prefixed = new ArrayList<>(command.size() + 2);
        prefixed.add(setsid.toString());
        prefixed.add("--");
        prefixed.add(executable(builder));
        prefixed.addAll(command.subList(1, command.size()));
        try {
            // setsid does not fork here (a child of this JVM never leads a group), so the pid is the group's id
            return builder.command(prefixed).start();
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

    /**
     * Kills {@code process} and its descendants with SIGKILL, and its whole group when {@code inGroup} (it was started
     * by {@link #start} with a new group, where {@link #available()}); does not wait for them to go. Calling it again,
     * or after the process ended, is harmless.
     */
    public static void kill(Process process, boolean inGroup) {
        // taken before the leader dies: its children then move to init and are no longer its descendants
        List<ProcessHandle> below = process.descendants().toList();
        Path kill = KILL;
        if (inGroup && available() && kill != null) {
            try {
                new ProcessBuilder(kill.toString(), "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                // the descendants below are still killed
            }
        }
        below.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
