package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A vrrp_script that hangs: killed with everything it started at its timeout, every round, without a log flood. */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScriptTrackerTest {

    @TempDir
    Path dir;

    @Test
    void aHangingScriptLeavesNoProcessBehindAndIsLoggedOnce() throws Exception {
        // each round: a background child, and a grandchild whose parent has exited (only in the process group)
        Path pids = dir.resolve("pids");
        Path script = dir.resolve("hang.sh");
        Files.writeString(script, "#!/bin/sh\n(sleep 1000 & echo $! >> '" + pids + "')\nsleep 1000 &\necho $! >> '"
                + pids + "'\necho $$ >> '" + pids + "'\nwait\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        Path key = dir.resolve("group.key");
        Files.writeString(key, "a-test-key-of-thirty-two-bytes!!");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------")); // else refused, as ssh does
        Path conf = dir.resolve("track.conf");
        Files.writeString(conf, "vrrp_script chk {\n    script \"" + script + "\"\n    interval 0.05\n"
                + "    timeout 0.2\n}\nvrrp_instance VI_1 {\n    virtual_router_id 53\n    priority 100\n"
                + "    advert_int 0.05\n    unicast_src_ip 127.0.0.1\n    unicast_peer {\n        127.0.0.2\n    }\n"
                + "    track_script {\n        chk\n    }\n    lvs4j {\n        key_file " + key
                + "\n        failover_port " + LoopbackTest.freePort() + "\n    }\n}\n");
        KeepalivedConfig.Result r = KeepalivedConfig.load(conf);
        assertThat(r.problems()).filteredOn(ConfigProblem::error).isEmpty();
        try (LogCapture log = new LogCapture()) {
            KeepalivedDirector d = new KeepalivedDirector(r.config(), new KeepalivedDirector.Options(1, false));
            try {
                d.start().toCompletableFuture().join();
                assertThat(d.roles().get("VI_1")).isEqualTo(Role.FAULT);
                // at least five rounds, each killed at its timeout
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readAllLines(pids).size() >= 15);
            } finally {
                d.stop(Duration.ofMillis(200)).toCompletableFuture().join();
            }
            List<Long> all = Files.readAllLines(pids).stream().filter(l -> !l.isBlank()).map(Long::parseLong)
                    .toList();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(all).allSatisfy(pid ->
                    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty()));
            assertThat(log.lines("ran past its timeout")).hasSize(1);
        }
    }
}
