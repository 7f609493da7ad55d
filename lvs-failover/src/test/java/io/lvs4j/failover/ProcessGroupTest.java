package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A script past its timeout is killed with everything it started: nothing it forked is left behind. */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessGroupTest {

    /**
     * A script that starts a background child, and a grandchild whose parent has already exited (so it is no longer
     * among the script's descendants, only in its process group), writes their pids, then waits.
     */
    static List<String> forkingScript(Path pids) {
        return List.of("/bin/sh", "-c", "(sleep 1000 & echo $! >> '" + pids + "'); sleep 1000 & echo $! >> '" + pids
                + "'; echo $$ >> '" + pids + "'; wait", "script");
    }

    static List<Long> pids(Path file) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 3);
        return Files.readAllLines(file).stream().map(Long::parseLong).toList();
    }

    static void assertAllGone(List<Long> pids) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pids).allSatisfy(pid -> assertThat(
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty()));
    }

    @Test
    void aNotifyCommandPastItsTimeoutLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        long started = System.nanoTime();
        assertThat(TakeoverActions.run(forkingScript(pids), Duration.ofMillis(500))).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertAllGone(pids(pids));
    }

    @Test
    void theCommandLeadsAProcessGroupOfItsOwnAndTheWholeGroupIsKilled(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        ProcessGroup group = ProcessGroup.start(new ProcessBuilder(forkingScript(pids)));
        List<Long> all = pids(pids);
        long pid = group.process().pid();
        // field 5 of /proc/PID/stat is the process group: the command's own pid, not this JVM's group
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]).isEqualTo(Long.toString(pid));
        assertThat(group.waitOrKill(Duration.ofMillis(200))).isFalse();
        assertAllGone(all);
    }

    @Test
    void withoutSetsidTheDescendantsAreKilled(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        // the fallback cannot reach an orphaned grandchild; a plain background child it does reach
        ProcessGroup group = ProcessGroup.start(new ProcessBuilder("/bin/sh", "-c", "sleep 1000 & echo $! >> '" + pids
                + "'; sleep 1000 & echo $! >> '" + pids + "'; echo $$ >> '" + pids + "'; wait"), false);
        List<Long> all = pids(pids);
        assertThat(group.waitOrKill(Duration.ofMillis(200))).isFalse();
        assertAllGone(all);
    }

    @Test
    void aCommandThatEndsInTimeGivesItsStatusAndAMissingOneCannotStart() throws Exception {
        ProcessGroup group = ProcessGroup.start(new ProcessBuilder("sh", "-c", "exit 3")); // found on PATH
        assertThat(group.waitOrKill(Duration.ofSeconds(10))).isTrue();
        assertThat(group.process().exitValue()).isEqualTo(3);
        // not setsid's exit status 127, which a script may exit with too
        assertThatIOException().isThrownBy(() -> ProcessGroup.start(new ProcessBuilder("/no/such/program")))
                .withMessage("Cannot run program \"/no/such/program\": no such executable file");
        assertThatIOException().isThrownBy(() -> ProcessGroup.start(new ProcessBuilder("no-such-program-here")));
    }
}
