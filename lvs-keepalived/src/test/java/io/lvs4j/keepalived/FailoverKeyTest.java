package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.Role;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of the failover group's key: key files that are not private or not keys are refused with
 * file:line, a reload cannot silently ignore a changed key, and running without one shows in status and metrics.
 */
class FailoverKeyTest extends LoopbackTest {

    @TempDir
    Path dir;

    private Path key(String name, String text, String mode) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    /** An instance with {@code lvs4jBlock}, which starts at line 9. */
    private static String instance(String lvs4jBlock) {
        return "vrrp_instance VI_1 {\n    virtual_router_id 61\n    priority 100\n    advert_int 0.1\n"
                + "    unicast_src_ip 127.0.0.1\n    unicast_peer {\n        127.0.0.2\n    }\n" + lvs4jBlock + "}\n";
    }

    private static String block(Path key, int failoverPort) {
        return "    lvs4j {\n        key_file " + key + "\n        failover_port " + failoverPort + "\n    }\n";
    }

    private KeepalivedDirector start(Path conf, boolean insecure) {
        KeepalivedConfig.Result r;
        try {
            r = KeepalivedConfig.load(conf);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
        assertThat(r.problems()).filteredOn(ConfigProblem::error).isEmpty();
        KeepalivedDirector d = new KeepalivedDirector(r.config(), new KeepalivedDirector.Options(1, insecure));
        closing(() -> d.stop(Duration.ofMillis(100)).toCompletableFuture().join());
        d.start().toCompletableFuture().join();
        return d;
    }

    @Test
    void aKeyFileOthersCanReadOrThatIsTooLargeIsRefusedWithFileAndLine() throws Exception {
        Path open = key("open.key", "a-test-key-of-thirty-two-bytes!!", "rw-r--r--");
        Path conf = dir.resolve("open.conf");
        Files.writeString(conf, instance(block(open, freePort())));
        assertThat(KeepalivedConfig.load(conf).problems()).extracting(Object::toString).anySatisfy(p -> assertThat(p)
                .startsWith(conf + ":10:18: error: key_file " + open + " has mode 0644 (rw-r--r--): group or others "
                        + "can read or change the key").endsWith("chmod 600 " + open));
        Path big = key("big.key", "k".repeat(4097), "rw-------");
        Files.writeString(conf, instance(block(big, freePort())));
        assertThat(KeepalivedConfig.load(conf).problems()).extracting(Object::toString).anySatisfy(p -> assertThat(p)
                .startsWith(conf + ":10:18: error: key_file " + big + " holds more than 4096 bytes"));
    }

    @Test
    void aReloadAfterTheKeyFileChangedIsRefusedNotIgnored() throws Exception {
        Path key = key("group.key", "a-test-key-of-thirty-two-bytes!!", "rw-------");
        Path conf = dir.resolve("k.conf");
        Files.writeString(conf, instance(block(key, freePort())));
        KeepalivedDirector d = start(conf, false);
        assertThat(d.reload(conf)).as("same file, same key: applied").contains("0 virtual services");
        Files.writeString(key, "another-key-of-thirty-two-bytes!");
        assertThatIllegalStateException().isThrownBy(() -> d.reload(conf))
                .withMessageStartingWith("the key_file of vrrp_instance VI_1 (" + conf + ":1:1) holds another key "
                        + "than when the director started")
                .withMessageEndingWith("The running configuration is unchanged");
        Files.writeString(key, "a-test-key-of-thirty-two-bytes!!");
        assertThat(d.reload(conf)).as("the key back as it was: applied").contains("0 virtual services");
    }

    @Test
    void anInsecureInstanceAndItsRefusedAdvertsShowInStatusAndMetrics() throws Exception {
        int failoverPort = freePort();
        Path conf = dir.resolve("insecure.conf");
        Files.writeString(conf, instance("    lvs4j {\n        insecure\n        failover_port " + failoverPort
                + "\n    }\n"));
        KeepalivedDirector d = start(conf, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> d.roles().get("VI_1") == Role.MASTER);
        DirectorMetrics metrics = new DirectorMetrics(d);
        assertThat(d.status()).contains("VRRP VI_1: MASTER priority 100 INSECURE (no key: anyone can forge its "
                + "adverts)\n");
        assertThat(metrics.scrape()).contains("lvs4j_vrrp_insecure{instance=\"VI_1\"} 1",
                "lvs4j_vrrp_adverts_refused_total{instance=\"VI_1\",reason=\"BAD_MAC\"} 0",
                // the generic failover meters, from lvs-micrometer
                "lvs4j_failover_role{instance=\"VI_1\",role=\"MASTER\"} 1",
                "lvs4j_failover_priority{instance=\"VI_1\"} 100",
                "# HELP lvs4j_failover_time_in_role_seconds_total ");
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            byte[] junk = "not an advert".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(junk, junk.length, InetAddress.getByName("127.0.0.1"), failoverPort));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> d.status().contains(" refused adverts: MALFORMED 1\n"));
        assertThat(metrics.scrape()).contains(
                "lvs4j_vrrp_adverts_refused_total{instance=\"VI_1\",reason=\"MALFORMED\"} 1");
    }

    @Test
    void aKeyedInstanceIsNotInsecure() throws Exception {
        Path key = key("group.key", "a-test-key-of-thirty-two-bytes!!", "r--------");
        Path conf = dir.resolve("keyed.conf");
        Files.writeString(conf, instance(block(key, freePort())));
        KeepalivedDirector d = start(conf, true); // --insecure changes nothing for an instance with a key
        assertThat(d.status()).doesNotContain("INSECURE");
        assertThat(new DirectorMetrics(d).scrape()).contains("lvs4j_vrrp_insecure{instance=\"VI_1\"} 0");
    }
}
