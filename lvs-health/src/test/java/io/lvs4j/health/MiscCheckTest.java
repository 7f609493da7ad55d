package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MISC_CHECK with /bin/sh scripts: keepalived's exit-code rules, misc_dynamic and the timeout. */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MiscCheckTest {

    private static HealthMonitor monitor;
    private static final RealServer RS = RealServer.of("127.0.0.7", 8080);
    private static final VirtualService VS = VirtualService.tcp("127.0.0.1", 1).realServer(RS).build();

    @BeforeAll
    static void start() {
        monitor = HealthMonitors.create(HealthMonitorConfig.ofDefaults(), CheckFactory.tcp(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() {
        monitor.close();
    }

    private static CheckResult run(String script, boolean dynamic, Duration timeout) throws Exception {
        return CheckFactory.command(List.of("/bin/sh", "-c", script, "check"), timeout, dynamic).checkFor(VS, RS)
                .check(RS).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "exit {0}, misc_dynamic {1}: healthy {2}, weight {3}")
    @CsvSource({"0, false, true, -1", "1, false, false, -1", "3, false, false, -1", "0, true, true, -1",
        "1, true, false, -1", "2, true, true, 0", "7, true, true, 5", "255, true, true, 253"})
    void exitCodesFollowKeepalived(int code, boolean dynamic, boolean healthy, int weight) throws Exception {
        CheckResult r = run("exit " + code, dynamic, Duration.ofSeconds(10));
        assertThat(r.healthy()).isEqualTo(healthy);
        assertThat(r.weight()).isEqualTo(weight);
    }

    @Test
    void theRealServerIsPassedAsArgumentsAndEnvironment() throws Exception {
        String script = "[ \"$1 $2\" = \"127.0.0.7 8080\" ] && [ \"$LVS4J_RS_IP:$LVS4J_RS_PORT\" = 127.0.0.7:8080 ]";
        assertThat(run(script, false, Duration.ofSeconds(10)).healthy()).isTrue();
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndFails() throws Exception {
        long started = System.nanoTime();
        CheckResult r = run("sleep 30", false, Duration.ofMillis(300));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).isEqualTo("/bin/sh still running after PT0.3S: killed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aCommandPastItsTimeoutLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        // a background child, and a grandchild whose parent has exited (no longer a descendant, still in the group)
        Path pids = dir.resolve("pids");
        String script = "(sleep 1000 & echo $! >> '" + pids + "'); sleep 1000 & echo $! >> '" + pids + "'; echo $$ >> '"
                + pids + "'; wait";
        CheckResult r = run(script, false, Duration.ofMillis(500));
        assertThat(r.healthy()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 3);
        List<Long> all = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(all).allSatisfy(pid -> assertThat(
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty()));
    }

    @Test
    void aMissingCommandFails() throws Exception {
        CheckResult r = CheckFactory.command(List.of("/no/such/command"), Duration.ofSeconds(1), false).checkFor(VS, RS)
                .check(RS).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).startsWith("cannot run /no/such/command");
    }
}
