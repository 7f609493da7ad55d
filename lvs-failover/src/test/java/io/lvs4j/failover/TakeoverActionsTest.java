package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Role;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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

/** keepalived's notify scripts on a real failover node, and the checks of a virtual address. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TakeoverActionsTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    private static List<String> appendTo(Path file, String what) {
        return List.of("/bin/sh", "-c", "echo " + what + " >> '" + file + "'", "notify");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void notifyScriptsRunInOrderWithKeepalivedsArgumentsAndAFailureStopsNothing(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("notify.log");
        InetSocketAddress self;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            self = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        VrrpFailover node = VrrpFailover.create(VrrpConfig.builder(9, self).priority(150)
                .advertInterval(Duration.ofMillis(100)).key(1, KEY).build());
        Registration attached = TakeoverActions.attach(node,
                TakeoverActions.onEntering(Role.MASTER, List.of("/bin/sh", "-c", "exit 3")), // fails: logged only
                TakeoverActions.notify(appendTo(log, "\"$@\""), "web", 150),
                TakeoverActions.onEntering(Role.MASTER, appendTo(log, "master")),
                TakeoverActions.onEntering(Role.INIT, appendTo(log, "stopped")));
        try {
            node.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> node.role() == Role.MASTER);
            node.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
                    && Files.readAllLines(log).size() == 5);
            assertThat(Files.readAllLines(log)).containsExactly("INSTANCE web BACKUP 150", "INSTANCE web MASTER 150",
                    "master", "INSTANCE web STOP 150", "stopped");
        } finally {
            attached.close();
            node.close();
        }
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aCommandThatWritesMoreThanAPipeHoldsIsNotKilledForIt() throws Exception {
        // 1 MiB of output, far more than a pipe holds: read while it runs, the command ends and its status counts
        assertThat(TakeoverActions.run(List.of("/bin/sh", "-c", "head -c 1048576 /dev/zero; exit 3"))).isEqualTo(3);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aBackgroundChildHoldingTheOutputOpenDoesNotHoldUpTheCaller() {
        // the sleeper keeps the output pipe open for 20 s after the command itself has ended
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(
                TakeoverActions.run(List.of("/bin/sh", "-c", "sleep 20 & echo started"))).isZero());
    }

    @Test
    void aVirtualAddressIsCheckedBeforeAnyCommandRuns() throws Exception {
        InetAddress vip = InetAddress.getByName("10.0.0.100");
        assertThatIllegalArgumentException().isThrownBy(() -> TakeoverActions.VirtualAddress.of(vip, 33, "eth0"))
                .withMessage("prefixLength must be 0..32 but was 33");
        assertThatIllegalArgumentException().isThrownBy(() -> TakeoverActions.VirtualAddress.of(vip, 24,
                "eth0; reboot")).withMessage("device must be an interface name but was 'eth0; reboot'");
        assertThatIllegalArgumentException().isThrownBy(() -> TakeoverActions.notify(List.of(), "web", 100))
                .withMessage("command must name a program but was []");
        assertThat(TakeoverActions.VirtualAddress.of(vip, 24, "eth0").cidr()).isEqualTo("10.0.0.100/24");
    }
}
