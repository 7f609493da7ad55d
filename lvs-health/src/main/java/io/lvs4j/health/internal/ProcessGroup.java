package io.lvs4j.health.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Starts a command in a process group of its own and kills the whole group, as keepalived kills a {@code MISC_CHECK}
 * at its timeout: on Linux through util-linux's {@code setsid} and {@code kill -KILL -- -PGID}, so a child left in the
 * background goes too, even one whose parent has exited; where they are missing, the command's descendants as they
 * are when it is killed.
 *
 * <p>lvs-failover's {@code ProcessGroup} holds the same logic for notify commands and tracked scripts; implementation
 * modules do not depend on each other (docs/architecture.md), so each keeps this small copy.
 */
final class ProcessGroup {

    private static final @Nullable Path SETSID = program("setsid");
    private static final @Nullable Path KILL = program("kill");

    private ProcessGroup() {
    }

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

    /** Starts {@code command} as the leader of a new process group where the system can. */
    static Process start(ProcessBuilder builder) throws IOException {
        if (SETSID == null || KILL == null) {
            return builder.start();
        }
        List<String> prefixed = new ArrayList<>(builder.command());
        prefixed.set(0, executable(builder));
        prefixed.add(0, "--");
        prefixed.add(0, SETSID.toString());
        // setsid does not fork here (a child of this JVM never leads a group), so the pid is the group's id
        return builder.command(prefixed).start();
    }

    /** Kills {@code process}, its group (see {@link #start}) and its descendants with SIGKILL, without waiting. */
    static void kill(Process process) {
        // taken before the leader dies: its children then move to init and are no longer its descendants
        List<ProcessHandle> below = process.descendants().toList();
        if (SETSID != null && KILL != null) {
            try {
                new ProcessBuilder(KILL.toString(), "-KILL", "--", "-" + process.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                // the descendants below are still killed
            }
        }
        below.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
