package io.lvs4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class Lvs4jCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Lvs4jCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: lvs4j").contains("forward").contains("demo");
    }

    @Test
    void versionNamesTheProjectVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("lvs4j 0.1.0-SNAPSHOT");
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing subcommand");
    }

    @Test
    void forwardRejectsBadOptionsNamingThem() {
        assertThat(run("forward", "--listen", "127.0.0.1", "--real", "127.0.0.1:80")).isEqualTo(2);
        assertThat(err.toString()).contains("--listen '127.0.0.1' must be HOST:PORT");
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80:70000")).isEqualTo(2);
        assertThat(err.toString()).contains("weight must be 0..65535");
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--scheduler", "nope"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown scheduler 'nope'");
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--connect-timeout",
                "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration; write it like 500ms, 2s, 1m or 1h");
    }

    @Test
    void forwardOffersTcpAndHttpChecksAndSaysWhichOthersAreNotBuilt() {
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--check", "icmp"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("--check must be tcp, http:PATH, https:PATH, udp, dns or exec:COMMAND but was 'icmp'");
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--check", "http:status"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("path must start with '/' but was 'status'");
        assertThat(run("forward", "--help")).isZero();
        assertThat(out.toString()).contains("--check").contains("--rise").contains("--fall").contains("--quorum")
                .contains("--sorry").contains("--check-interval");
    }

    @Test
    void durationsReadLikeTheDocsSay() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(DurationConverter.parse("2s")).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(DurationConverter.parse("1m")).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(DurationConverter.parse("3")).isEqualTo(java.time.Duration.ofSeconds(3));
    }

    @Test
    void demoSaysItIsNotBuiltAndFails() {
        assertThat(run("demo")).isEqualTo(DemoCommand.NOT_BUILT);
        assertThat(err.toString()).contains("not built yet");
    }
}
