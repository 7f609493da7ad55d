package io.lvs4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.keepalived.LoopbackTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lvs4j forward} runs on the keepalived runtime: with {@code --admin} and {@code --token-file} the admin
 * commands work against it (reload is refused: it has no file), and its flags (PROXY protocol, checks, events, a
 * decimal persistence) take effect. The command runs in a child JVM, as an operator starts it.
 */
class ForwardAdminTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Process forward;

    @AfterEach
    void stop() throws Exception {
        if (forward != null && forward.isAlive()) {
            forward.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Lvs4jCommand.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "forward-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private int lvs4j(StringWriter out, String... args) {
        CommandLine cl = Lvs4jCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void theAdminCommandsWorkAgainstForwardAndItsFlagsTakeEffect() throws Exception {
        LoopbackTest.Echo a = new LoopbackTest.Echo("A");
        LoopbackTest.Echo b = new LoopbackTest.Echo("B");
        closing.add(a);
        closing.add(b);
        int vip = LoopbackTest.freePort();
        int adminPort = LoopbackTest.freePort();
        Path token = dir.resolve("forward.token");
        forward = start("forward", "--listen", "127.0.0.1:" + vip, "--real", "127.0.0.1:" + a.port(), "--real",
                "127.0.0.1:" + b.port(), "--scheduler", "rr", "--threads", "1", "--check", "tcp",
                "--check-interval", "100ms", "--proxy-protocol", "v1", "--persistence", "1.5s", "--events",
                "--admin", "127.0.0.1:" + adminPort, "--token-file", token.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.contains("admin on http://")));
        assertThat(Files.readString(token).strip()).hasSizeGreaterThanOrEqualTo(32);
        String[] admin = {"--admin", "127.0.0.1:" + adminPort, "--token-file", token.toString()};

        StringWriter status = new StringWriter();
        assertThat(lvs4j(status, concat(new String[] {"status"}, admin))).isZero();
        assertThat(status.toString()).contains("TCP  127.0.0.1:" + vip).contains("127.0.0.1:" + a.port())
                .contains("127.0.0.1:" + b.port());

        StringWriter drain = new StringWriter();
        assertThat(lvs4j(drain, concat(new String[] {"drain", "-t", "127.0.0.1:" + vip, "-r", "127.0.0.1:"
                + b.port()}, admin))).isZero();
        assertThat(drain.toString()).contains("draining");
        for (int i = 0; i < 4; i++) {
            try (LoopbackTest.Client c = new LoopbackTest.Client(vip)) {
                // --proxy-protocol v1: the echo server answers the header's line first
                assertThat(c.ask("hi")).startsWith("A:PROXY TCP4 127.0.0.1 127.0.0.1 ");
            }
        }
        StringWriter reload = new StringWriter();
        assertThat(lvs4j(reload, concat(new String[] {"reload"}, admin))).isNotZero();
        assertThat(reload.toString()).contains("has no file to read again");

        b.close(); // its check fails: --events says so
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                .anyMatch(l -> l.matches("event \\d+\\.\\d{3} server 127\\.0\\.0\\.1:" + b.port() + " DOWN")));
        assertThat(lines).anyMatch(l -> l.matches("event \\d+\\.\\d{3} serving -"));

        forward.destroy(); // SIGTERM
        assertThat(forward.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
