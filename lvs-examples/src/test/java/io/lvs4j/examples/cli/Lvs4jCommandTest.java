package io.lvs4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.spec.DirectorSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void forwardVrrpFailoverNeedsAKeyAndABindAddress(@TempDir Path dir)
            throws Exception {
        String[] base = {"forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80"};
        assertThat(run(concat(base, "--failover", "vrrp", "--failover-bind", "127.0.0.1:5405"))).isEqualTo(2);
        assertThat(err.toString()).contains("a failover group needs a key");
        assertThat(run(concat(base, "--failover", "vrrp"))).isEqualTo(2);
        assertThat(err.toString()).contains("--failover vrrp needs --failover-bind HOST:PORT");
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, "too-short");
        assertThat(run(concat(base, "--failover", "vrrp", "--failover-bind", "127.0.0.1:5405", "--key-file",
                shortKey.toString()))).isEqualTo(2);
        assertThat(err.toString()).contains("--key-file " + shortKey + " has mode 0644 (rw-r--r--): group or others "
                + "can read or change the key");
        Files.setPosixFilePermissions(shortKey,
                PosixFilePermissions.fromString("rw-------"));
        assertThat(run(concat(base, "--failover", "vrrp", "--failover-bind", "127.0.0.1:5405", "--key-file",
                shortKey.toString()))).isEqualTo(2);
        assertThat(err.toString()).contains("--key-file " + shortKey + " holds 9 bytes; a key needs at least 16");
        assertThat(run(concat(base, "--failover", "vrrp", "--failover-bind", "127.0.0.1:5405", "--advert", "15ms")))
                .isEqualTo(2);
        assertThat(err.toString()).contains("advertInterval must be 10ms..40950ms in 10 ms steps but was PT0.015S");
    }

    @Test
    void anUpgradeSocketRefusesAMulticastFailoverNamingWhy(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("group.key");
        Files.write(key, new byte[32]);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--failover", "vrrp",
                "--failover-bind", "127.0.0.1:5405", "--multicast", "239.255.18.18", "--multicast-dev", "lo",
                "--key-file", key.toString(), "--upgrade-socket", dir.resolve("upgrade.sock").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("it uses multicast, whose socket is not handed over; give it "
                + "unicast_peer addresses");
    }

    @Test
    void directorAndForwardTakeTheSameUpgradeOptionsWithOneHelpText(@TempDir Path dir) {
        Path socket = dir.resolve("upgrade.sock");
        DirectorCommand director = new DirectorCommand();
        CommandLine directorLine = new CommandLine(director);
        directorLine.parseArgs("-f", dir.resolve("keepalived.conf").toString(), "--upgrade-socket", socket.toString(),
                "--upgrade-grace", "2s");
        ForwardCommand forward = new ForwardCommand();
        CommandLine forwardLine = new CommandLine(forward);
        forwardLine.parseArgs("--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--upgrade-socket",
                socket.toString(), "--upgrade-grace", "2s");
        for (UpgradeOptions upgrade : new UpgradeOptions[] {director.upgrade, forward.upgrade}) {
            assertThat(upgrade.enabled()).isTrue();
            KeepalivedDirector.Options options =
                    upgrade.applyTo(new KeepalivedDirector.Options(1, false));
            assertThat(options.upgradeSocket()).isEqualTo(socket);
            assertThat(options.upgradeGrace()).isEqualTo(Duration.ofSeconds(2));
        }
        for (String name : new String[] {"--upgrade-socket", "--upgrade-grace"}) {
            assertThat(directorLine.getCommandSpec().findOption(name).description())
                    .isEqualTo(forwardLine.getCommandSpec().findOption(name).description());
        }
        ForwardCommand without = new ForwardCommand();
        new CommandLine(without).parseArgs("--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80");
        assertThat(without.upgrade.enabled()).isFalse();
        assertThat(without.upgrade.grace).isEqualTo(Duration.ofSeconds(30));
        assertThat(without.upgrade.applyTo(new KeepalivedDirector.Options(1, false))
                .upgradeSocket()).isNull();
    }

    @Test
    void directorAndForwardTakeTheSameStopGraceWithOneHelpText(@TempDir Path dir) {
        DirectorCommand director = new DirectorCommand();
        CommandLine directorLine = new CommandLine(director);
        directorLine.parseArgs("-f", dir.resolve("keepalived.conf").toString(), "--stop-grace", "2s");
        ForwardCommand forward = new ForwardCommand();
        CommandLine forwardLine = new CommandLine(forward);
        forwardLine.parseArgs("--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--stop-grace", "2s");
        assertThat(director.stop.grace).isEqualTo(Duration.ofSeconds(2));
        assertThat(forward.stop.grace).isEqualTo(Duration.ofSeconds(2));
        assertThat(forward.spec().settings().stopGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(directorLine.getCommandSpec().findOption("--stop-grace").description())
                .isEqualTo(forwardLine.getCommandSpec().findOption("--stop-grace").description());
        assertThat(helpLine(directorLine, "--stop-grace")).contains("How long a stop waits for connections")
                .isEqualTo(helpLine(forwardLine, "--stop-grace"));
        ForwardCommand forwardWithout = new ForwardCommand();
        new CommandLine(forwardWithout).parseArgs("--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80");
        assertThat(forwardWithout.spec().settings().stopGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> new CommandLine(new ForwardCommand()).parseArgs("--listen", "127.0.0.1:8080",
                "--real", "127.0.0.1:80", "--stop-grace", "soon"))
                .hasMessageContaining("'soon' is not a duration");
    }

    /**
     * Without {@code --stop-grace}, {@code lvs4j director} stops with the grace of the file it runs (its
     * {@code stop_grace}, 10 s when the file gives none), as {@code KeepalivedDirector.close()} does; with it, the
     * flag wins.
     */
    @Test
    void directorStopsWithTheFilesStopGraceUnlessTheFlagIsGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, """
                global_defs {
                    lvs4j {
                        stop_grace 30
                    }
                }
                virtual_server 127.0.0.1 8080 {
                    real_server 127.0.0.1 8081 {
                    }
                }
                """);
        DirectorSpec withGrace = Objects.requireNonNull(KeepalivedConfig.load(file).config());
        Files.writeString(file, """
                virtual_server 127.0.0.1 8080 {
                    real_server 127.0.0.1 8081 {
                    }
                }
                """);
        DirectorSpec without = Objects.requireNonNull(KeepalivedConfig.load(file).config());
        DirectorCommand plain = new DirectorCommand();
        new CommandLine(plain).parseArgs("-f", file.toString());
        assertThat(plain.stopGrace(withGrace)).isEqualTo(Duration.ofSeconds(30));
        assertThat(plain.stopGrace(without)).isEqualTo(Duration.ofSeconds(10));
        DirectorCommand flagged = new DirectorCommand();
        new CommandLine(flagged).parseArgs("-f", file.toString(), "--stop-grace", "2s");
        assertThat(flagged.stopGrace(withGrace)).isEqualTo(Duration.ofSeconds(2));
    }

    /**
     * The entry of {@code line}'s usage help that shows {@code option}: its line and the description lines wrapped
     * under it, up to the next option, white space folded.
     */
    private static String helpLine(CommandLine line, String option) {
        StringBuilder entry = new StringBuilder();
        for (String l : line.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\R")) {
            String text = l.strip();
            if (entry.length() > 0 && (text.isEmpty() || text.startsWith("-"))) {
                break;
            }
            if (entry.length() > 0 || text.startsWith(option)) {
                entry.append(text).append(' ');
            }
        }
        assertThat(entry).as("the help of %s", option).isNotEmpty();
        return entry.toString().strip().replaceAll("\\s+", " ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void udpResponsesReachesTheServiceAndIsRejectedOutOfRangeOrWithoutUdp() {
        ForwardCommand forward = new ForwardCommand();
        new CommandLine(forward).parseArgs("--listen", "127.0.0.1:5353", "--real", "127.0.0.1:53", "--udp",
                "--udp-responses", "1");
        assertThat(forward.spec().services().get(0).udpResponses()).isEqualTo(1);
        ForwardCommand unlimited = new ForwardCommand();
        new CommandLine(unlimited).parseArgs("--listen", "127.0.0.1:5353", "--real", "127.0.0.1:53", "--udp");
        assertThat(unlimited.spec().services().get(0).udpResponses()).isZero();
        String[] udp = {"forward", "--listen", "127.0.0.1:5353", "--real", "127.0.0.1:53", "--udp"};
        assertThat(run(concat(udp, "--udp-responses", "-1"))).isEqualTo(2);
        assertThat(err.toString()).contains("--udp-responses must be 0 (no limit)..65535 but was -1");
        assertThat(run(concat(udp, "--udp-responses", "65536"))).isEqualTo(2);
        assertThat(err.toString()).contains("--udp-responses must be 0 (no limit)..65535 but was 65536");
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--udp-responses", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--udp-responses applies to UDP forwarding only: add --udp");
    }

    @Test
    void persistenceTakesADurationOfAtLeastASecond() {
        assertThat(run("forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--persistence", "0.5s"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--persistence must be 0 (none) or at least 1s, as ipvsadm -p counts "
                + "seconds, but was 500ms");
        assertThat(DurationConverter.parse("300")).isEqualTo(Duration.ofSeconds(300));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("0.5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("0.5")).as("keepalived's bare seconds").isEqualTo(
                Duration.ofMillis(500));
        assertThatThrownBy(() -> DurationConverter.parse("9999999999999h")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> DurationConverter.parse("999999999999h")).hasMessageContaining("longer than");
    }

    @Test
    void durationsReadLikeTheDocsSay() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationConverter.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationConverter.parse("3")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void demoRejectsTwoModesAndBadLoadsBeforeStartingAnything() {
        assertThat(run("demo", "--quick", "--full")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
        assertThat(run("demo", "--quick", "--loads", "0.5,0")).isEqualTo(2);
        assertThat(err.toString()).contains("loadFactors must be > 0");
    }

    @Test
    void zooKeeperFailoverNeedsAnEnsemble() {
        assertThat(run("forward", "--listen", "127.0.0.1:1", "--real", "127.0.0.1:2", "--failover", "zookeeper"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--failover zookeeper needs --zk HOST:PORT,...");
        assertThat(run("forward", "--listen", "127.0.0.1:1", "--real", "127.0.0.1:2", "--failover", "carp"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--failover must be vrrp or zookeeper but was 'carp'");
    }

    @Test
    void aVirtualAddressNeedsAnInterfaceAndAPrefix(@TempDir Path dir)
            throws Exception {
        Path key = dir.resolve("group.key");
        Files.writeString(key, "a-shared-secret-of-32-bytes-long");
        Files.setPosixFilePermissions(key,
                PosixFilePermissions.fromString("rw-------"));
        String[] base = {"forward", "--listen", "127.0.0.1:8080", "--real", "127.0.0.1:80", "--failover", "vrrp",
            "--failover-bind", "127.0.0.1:5405", "--key-file", key.toString()};
        assertThat(run(concat(base, "--vip", "10.0.0.100/24"))).isEqualTo(2);
        assertThat(err.toString()).contains("--vip needs --vip-dev IF");
        assertThat(run(concat(base, "--vip", "10.0.0.100", "--vip-dev", "eth0"))).isEqualTo(2);
        assertThat(err.toString()).contains("--vip '10.0.0.100' must be ADDRESS/PREFIX, e.g. 10.0.0.100/24");
        assertThat(run(concat(base, "--vip", "10.0.0.100/40", "--vip-dev", "eth0"))).isEqualTo(2);
        assertThat(err.toString()).contains("prefixLength must be 0..32 but was 40");
    }

    @Test
    void directorCheckValidatesAKeepalivedConfAndPrintsItResolved(@TempDir
            Path dir) throws Exception {
        // lvs-keepalived's corpus file, as an operator names a file
        Path conf = Path.of("..", "lvs-keepalived", "src", "test", "resources",
                "keepalived", "active-standby.conf").toAbsolutePath();
        Files.setPosixFilePermissions(conf.resolveSibling("group.key"),
                PosixFilePermissions.fromString("rw-------")); // a checkout makes it 0644
        assertThat(run("director", "--check", "-f", conf.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("vrrp_instance VI_OUT {", "        key_file group.key",
                "virtual_server 10.0.0.25 25 {", "misc_path \"/usr/local/bin/check-smtp 10.0.0.32\"",
                "is valid (1 warning)");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, """
                virtual_server 10.0.0.1 80 {
                  lb_kind DR
                }
                """);
        assertThat(run("director", "-t", "-f", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(bad + ":2:11: error: lb_kind DR is kernel-only",
                "is not valid (1 error); nothing was started");
        Path keyless = dir.resolve("keyless.conf");
        Files.writeString(keyless, """
                vrrp_instance VI_1 {
                  virtual_router_id 7
                  unicast_src_ip 127.0.0.1
                  unicast_peer {
                    127.0.0.2
                  }
                }
                """);
        assertThat(run("director", "-f", keyless.toString(), "--no-admin")).isEqualTo(1);
        assertThat(err.toString()).contains(keyless + ":1:1: warning: vrrp_instance VI_1 has no lvs4j { key_file PATH }",
                "vrrp_instance VI_1 (" + keyless + ":1:1) has no lvs4j { key_file PATH } block: its adverts could be "
                        + "forged by anyone on the network; give a key, or start with --insecure");
    }

    @Test
    void realServerRejectsAnUnknownOverflowMode() {
        assertThat(run("realserver", "--listen", "127.0.0.1:1", "--overflow", "drop")).isEqualTo(2);
        assertThat(err.toString()).contains("--overflow must be reject or refuse but was 'drop'");
    }
}
