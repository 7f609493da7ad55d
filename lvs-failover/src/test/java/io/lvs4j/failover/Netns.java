package io.lvs4j.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Commands for the tests that build their own network namespaces, and the checks that skip them where they cannot. */
final class Netns {

    private Netns() {
    }

    /** Runs a command; its output, or an IOException with the output when it fails. */
    static String sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
        return out;
    }

    /** Whether a command succeeds. */
    static boolean works(String... command) {
        try {
            sh(command);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Skips the test, saying why, unless this is Linux with root and iproute2 (and each of {@code tools}), then
     * creates network namespace {@code ns} (or skips if it cannot).
     */
    static void assumeNamespace(String ns, String... tools) {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "needs Linux");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (CAP_NET_ADMIN)");
        Assumptions.assumeTrue(works("ip", "-V"), "needs iproute2 (ip)");
        for (String tool : tools) {
            Assumptions.assumeTrue(works(tool, "-V"), "needs " + tool);
        }
        works("ip", "netns", "del", ns);
        Assumptions.assumeTrue(works("ip", "netns", "add", ns), "cannot create network namespaces here");
    }
}
