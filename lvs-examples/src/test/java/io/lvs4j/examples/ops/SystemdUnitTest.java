package io.lvs4j.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit shipped in dist/systemd is one systemd accepts, with what docs/operations.md promises. */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("..", "dist", "systemd", "lvs4j@.service");

    @Test
    void theUnitReloadsWithSighupRaisesTheDescriptorLimitAndGrantsOnlyNetworkCapabilities() throws IOException {
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("ExecReload=/bin/kill -HUP $MAINPID")
                .contains("ExecStartPre=/usr/bin/java -jar /opt/lvs4j/lvs4j.jar director -f /etc/lvs4j/%i.conf --check")
                .containsPattern("(?m)^LimitNOFILE=\\d+$")
                .contains("AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_ADMIN CAP_NET_RAW")
                .contains("NoNewPrivileges=yes").contains("ProtectSystem=strict")
                .doesNotContain("MemoryDenyWriteExecute=yes"); // the JIT needs it off
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWord(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed here");
        assertThat(verify(dir, Files.readString(UNIT))).isEmpty();
    }

    /** The check above can fail: systemd-analyze names a key it does not know, which this test would report. */
    @Test
    void systemdAnalyzeReportsAnUnknownKey(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed here");
        String bad = Files.readString(UNIT).replace("[Service]\n", "[Service]\nLimitNOFLIE=1024\n");
        assertThat(verify(dir, bad)).contains("LimitNOFLIE");
    }

    /** What {@code systemd-analyze verify} prints about the unit, installed as lvs4j@web.service. */
    private static String verify(Path dir, String unit) throws Exception {
        Path file = Files.writeString(dir.resolve("lvs4j@web.service"), unit);
        Process p = new ProcessBuilder("systemd-analyze", "verify", file.toString()).redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.strip();
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
