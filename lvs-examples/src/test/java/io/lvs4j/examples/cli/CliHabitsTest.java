package io.lvs4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void durationsTakeUnitsDecimalsAndKeepalivedsBareSeconds() {
        assertThat(DurationConverter.parse("0.5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationConverter.parse("0.5")).as("keepalived's seconds").isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("6")).isEqualTo(Duration.ofSeconds(6));
        assertThat(DurationConverter.parse("0.25ms")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(DurationConverter.parse("2562047h")).as("the longest, about 292 years")
                .isEqualTo(Duration.ofHours(2_562_047L));
        for (String bad : new String[] {"-1s", "1.2.3", "5d", ".5s", "1e3", "", "0.0000000001s", "2562048h",
            "999999999999h", "9999999999999h"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void aBadDurationOnAnyCommandIsOneLineNamingTheOption() {
        assertThat(run("load", "--target", "127.0.0.1:9", "--duration", "5d")).isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString().lines().findFirst()).hasValueSatisfying(line -> assertThat(line)
                .contains("--duration").contains("'5d' is not a duration"));
        assertThat(err.toString()).doesNotContain("Usage:");
    }

    @Test
    void everyCommandThatReadsOrWritesTheAdminTokenCallsItTokenFile() {
        CommandLine cl = Lvs4jCommand.newCommandLine();
        for (String name : new String[] {"status", "weight", "drain", "disable", "enable", "reload", "director"}) {
            assertThat(cl.getSubcommands().get(name).getCommandSpec().findOption("--token-file")).as(name)
                    .isNotNull();
        }
        assertThat(cl.getSubcommands().get("director").getCommandSpec().findOption("--admin-token-file"))
                .as("the old spelling still works").isSameAs(cl.getSubcommands().get("director").getCommandSpec()
                        .findOption("--token-file"));
    }

    @Test
    void aBadAdminCallValueIsAUsageErrorNamingTheOptionAndTheValueBeforeAnyCall() {
        assertThat(run("weight", "-t", "127.0.0.1:80", "-r", "127.0.0.1:8080", "-w", "70000"))
                .isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString()).startsWith("lvs4j: --weight must be 0..65535 but was 70000")
                .doesNotContain("Usage:").doesNotContain("no director");
        err.getBuffer().setLength(0);
        assertThat(run("status", "--admin", "nonsense")).isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString().lines()).hasSize(2);
        assertThat(err.toString()).contains("--admin").contains("'nonsense' must be HOST:PORT");
        err.getBuffer().setLength(0);
        assertThat(run("drain", "-t", "127.0.0.1:99999", "-r", "127.0.0.1:8080")).isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--tcp-service").contains("'127.0.0.1:99999': port must be 1..65535");
        err.getBuffer().setLength(0);
        assertThat(run("enable", "-u", "127.0.0.1:53", "-r", "10.0.0.1")).isEqualTo(Lvs4jCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--real-server").contains("'10.0.0.1' must be HOST:PORT");
    }
}
