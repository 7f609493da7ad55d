package io.lvs4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What an operator sees of the command line itself: usage errors, exit codes, the log level, completion. */
class CliHabitsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final String levelBefore = System.getProperty(Lvs4jCommand.SIMPLE_LOGGER_LEVEL, "");

    @AfterEach
    void restoreLevel() {
        if (levelBefore.isEmpty()) {
            System.clearProperty(Lvs4jCommand.SIMPLE_LOGGER_LEVEL);
        } else {
            System.setProperty(Lvs4jCommand.SIMPLE_LOGGER_LEVEL, levelBefore);
        }
    }

    private int run(String... args) {
        CommandLine cl = Lvs4jCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aBadValueIsOneLineNamingTheOptionAndTheValueNotTheWholeUsage() {
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--connect-timeout",
                "soon")).isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString().lines()).hasSize(2);
        assertThat(err.toString()).contains("'soon' is not a duration").doesNotContain("Usage:")
                .contains("Run 'lvs4j forward --help' for usage.");
    }

    @Test
    void anUnknownOptionSuggestsTheClosestOne() {
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--schedulr", "rr"))
                .isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--schedulr").contains("--scheduler").doesNotContain("Usage:");
    }

    @Test
    void logLevelIsTakenBeforeAnyLoggerAndCheckedByTheParser() {
        Lvs4jCommand.applyLogLevel(new String[] {"forward", "--log-level", "DEBUG"});
        assertThat(System.getProperty(Lvs4jCommand.SIMPLE_LOGGER_LEVEL)).isEqualTo("debug");
        Lvs4jCommand.applyLogLevel(new String[] {"status", "--log-level=warn"});
        assertThat(System.getProperty(Lvs4jCommand.SIMPLE_LOGGER_LEVEL)).isEqualTo("warn");
        Lvs4jCommand.applyLogLevel(new String[] {"status", "--log-level", "loud"});
        assertThat(System.getProperty(Lvs4jCommand.SIMPLE_LOGGER_LEVEL)).isEqualTo("warn");

        assertThat(run("status", "--log-level", "loud")).isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--log-level must be error, warn, info, debug or trace but was 'loud'");
    }

    @Test
    void anUnreachableDirectorIsItsOwnExitCode(@TempDir Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef".repeat(4));
        assertThat(run("status", "--admin", "127.0.0.1:" + port, "--token-file", token.toString()))
                .isEqualTo(Lvs4jCommand.EXIT_UNREACHABLE);
        assertThat(err.toString()).contains("no director answers at 127.0.0.1:" + port);
        assertThat(run("status", "--admin", "127.0.0.1:" + port, "--token-file", dir.resolve("none").toString()))
                .isEqualTo(Lvs4jCommand.EXIT_UNREACHABLE);
    }

    @Test
    void generatesABashCompletionScriptForEverySubcommand() {
        assertThat(run("generate-completion")).isZero();
        assertThat(out.toString()).contains("complete -F").contains("forward").contains("director")
                .contains("--scheduler").contains("--admin");
    }
}
