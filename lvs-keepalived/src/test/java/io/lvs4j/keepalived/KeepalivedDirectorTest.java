package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.failover.Role;
import io.lvs4j.forward.ServiceStatistics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived.conf files run against loopback real servers: checks and notify commands, reload without dropping
 * connections, operator holds, and an active-standby pair handing a loopback virtual address over.
 */
class KeepalivedDirectorTest extends LoopbackTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** A key file only its owner may read, as lvs4j requires. */
    private Path privateKey() throws IOException {
        Path p = write("group.key", "a-test-key-of-thirty-two-bytes!!");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private KeepalivedDirector start(Path file) throws Exception {
        KeepalivedConfig.Result r = KeepalivedConfig.load(file);
        assertThat(r.problems()).filteredOn(ConfigProblem::error).isEmpty();
        KeepalivedDirector d = new KeepalivedDirector(r.config(), new KeepalivedDirector.Options(1, false));
        closing(() -> d.stop(Duration.ofMillis(200)).toCompletableFuture().join());
        d.start().toCompletableFuture().join();
        return d;
    }

    private static String names(int port, int connections) throws IOException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < connections; i++) {
            try (Client c = new Client(port)) {
                seen.add(c.ask("hi").split(":")[0]);
            }
        }
        return String.join(",", new TreeSet<>(seen));
    }

    @Test
    void aFailingHttpCheckTakesItsRealServerOutAndRunsNotifyDown() throws Exception {
        com.sun.net.httpserver.HttpServer a = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        com.sun.net.httpserver.HttpServer b = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger bStatus = new AtomicInteger(200);
        a.createContext("/health", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        b.createContext("/health", x -> {
            x.sendResponseHeaders(bStatus.get(), -1);
            x.close();
        });
        a.start();
        b.start();
        closing(() -> a.stop(0));
        closing(() -> b.stop(0));
        Path marker = dir.resolve("down-marker");
        int vip = freePort();
        String check = "        HTTP_GET {\n            url {\n                path /health\n                status_code 200\n"
                + "            }\n            connect_timeout 1\n            retry 0\n        }\n";
        Path conf = write("http.conf", "virtual_server 127.0.0.1 " + vip + " {\n    delay_loop 0.1\n    lb_algo rr\n"
                + "    lb_kind NAT\n    protocol TCP\n"
                + "    real_server 127.0.0.1 " + a.getAddress().getPort() + " {\n        weight 1\n" + check
                + "    }\n"
                + "    real_server 127.0.0.1 " + b.getAddress().getPort() + " {\n        weight 1\n"
                + "        notify_down \"touch " + marker + "\"\n" + check + "    }\n}\n");
        KeepalivedDirector d = start(conf);
        ServiceKey vs = new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.1", vip));
        assertThat(d.serving(vs)).isTrue();
        bStatus.set(500);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(d, b.getAddress().getPort())
                == RealServerState.DOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));
        assertThat(state(d, a.getAddress().getPort())).isEqualTo(RealServerState.UP);
        assertThat(d.status()).contains("TCP  127.0.0.1:" + vip, "-> 127.0.0.1:" + b.getAddress().getPort())
                .containsPattern("127\\.0\\.0\\.1:" + b.getAddress().getPort() + " .*DOWN");
        bStatus.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(d, b.getAddress().getPort())
                == RealServerState.UP);
    }

    private static RealServerState state(KeepalivedDirector d, int realPort) {
        for (ServiceStatistics s : d.statistics()) {
            for (ServiceStatistics.RealServerStatistics r : s.realServers()) {
                if (r.address().getPort() == realPort) {
                    return r.state();
                }
            }
        }
        throw new AssertionError("no real server at port " + realPort);
    }

    private static String service(int vip, String scheduler, String reals) {
        return "virtual_server 127.0.0.1 " + vip + " {\n    lb_algo " + scheduler + "\n    lb_kind NAT\n" + reals
                + "}\n";
    }

    private static String real(Echo e, int weight) {
        return "    real_server 127.0.0.1 " + e.port() + " {\n        weight " + weight + "\n    }\n";
    }

    @Test
    void reloadAppliesTheNewFileAndKeepsEstablishedConnections() throws Exception {
        Echo a = closing(new Echo("A"));
        Echo b = closing(new Echo("B"));
        int vip = freePort();
        int second = freePort();
        Path conf = write("k.conf", service(vip, "rr", real(a, 1)));
        KeepalivedDirector d = start(conf);
        Client held = closing(new Client(vip));
        assertThat(held.ask("one")).isEqualTo("A:one");

        Files.writeString(conf, service(vip, "rr", real(a, 1) + real(b, 1)) + service(second, "wlc", real(b, 1)));
        assertThat(d.reload(conf)).isEqualTo("2 virtual services: 1 added, 1 changed, 0 removed");
        assertThat(held.ask("two")).isEqualTo("A:two");
        assertThat(names(vip, 4)).isEqualTo("A,B");
        assertThat(names(second, 2)).isEqualTo("B");

        // A leaves the file: its established connection runs on, new ones go to B
        Files.writeString(conf, service(vip, "rr", real(b, 1)));
        assertThat(d.reload(conf)).isEqualTo("1 virtual service: 0 added, 1 changed, 1 removed");
        assertThat(held.ask("three")).isEqualTo("A:three");
        assertThat(names(vip, 3)).isEqualTo("B");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatConnectionRefused(second));

        // a file that does not validate changes nothing
        String before = d.status();
        Files.writeString(conf, service(vip, "rr", real(a, 1)).replace("lb_algo", "lb_algoo"));
        assertThatIllegalStateException().isThrownBy(() -> d.reload(conf))
                .withMessageContaining(conf + ":2:5: error: unknown keyword 'lb_algoo' in virtual_server 127.0.0.1; "
                        + "did you mean 'lb_algo'?")
                .withMessageEndingWith("the running configuration is unchanged");
        assertThat(names(vip, 2)).isEqualTo("B");
        assertThat(held.ask("four")).isEqualTo("A:four");
        assertThat(d.status().lines().filter(l -> l.contains("->")).count())
                .isEqualTo(before.lines().filter(l -> l.contains("->")).count());
    }

    private static void assertThatConnectionRefused(int port) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port)
                .close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aReloadThatChangesTheVrrpPartIsRefused() throws Exception {
        Echo a = closing(new Echo("A"));
        Path key = privateKey();
        int vip = freePort();
        String vrrp = "vrrp_instance VI_1 {\n    virtual_router_id 9\n    priority 100\n    unicast_src_ip 127.0.0.1\n"
                + "    unicast_peer {\n        127.0.0.2\n    }\n    lvs4j {\n        key_file " + key + "\n"
                + "        failover_port " + freePort() + "\n    }\n}\n";
        Path conf = write("v.conf", vrrp + service(vip, "rr", real(a, 1)));
        KeepalivedDirector d = start(conf);
        Files.writeString(conf, vrrp.replace("priority 100", "priority 101") + service(vip, "rr", real(a, 2)));
        assertThatIllegalStateException().isThrownBy(() -> d.reload(conf))
                .withMessageContaining("the VRRP part of the file changed")
                .withMessageEndingWith("The running configuration is unchanged");
        assertThat(d.status()).containsPattern("127\\.0\\.0\\.1:" + a.port() + " +1 ");
    }

    @Test
    void drainKeepsPersistentClientsAndMaintenanceDoesNot() throws Exception {
        Echo a = closing(new Echo("A"));
        Echo b = closing(new Echo("B"));
        int vip = freePort();
        Path conf = write("p.conf", "virtual_server 127.0.0.1 " + vip + " {\n    lb_algo rr\n    lb_kind NAT\n"
                + "    persistence_timeout 60\n" + real(a, 1) + real(b, 1) + "}\n");
        KeepalivedDirector d = start(conf);
        ServiceKey vs = new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.1", vip));
        String sticky = names(vip, 1); // every connection from 127.0.0.1 goes to one real server
        Echo mine = sticky.equals("A") ? a : b;
        Echo other = mine == a ? b : a;
        InetSocketAddress mineAddress = new InetSocketAddress("127.0.0.1", mine.port());

        assertThat(d.drain(vs, mineAddress)).matches("127\\.0\\.0\\.1:" + mine.port() + " in TCP 127\\.0\\.0\\.1:" + vip
                + ": draining, \\d+ connections? remains?");
        assertThat(d.adminState(vs, mineAddress)).isEqualTo(KeepalivedDirector.AdminState.DRAIN);
        assertThat(names(vip, 3)).isEqualTo(sticky); // persistence still sends us back, as HAProxy's drain
        try (Client newcomer = new Client(InetAddress.getLoopbackAddress(), vip, InetAddress.getByName("127.0.0.2"))) {
            assertThat(newcomer.ask("new")).isEqualTo(other.name + ":new"); // a new client goes elsewhere
        }
        assertThat(d.weight(vs, mineAddress, 5)).endsWith(": weight 5 (still DRAIN)");
        assertThat(d.status()).containsPattern("127\\.0\\.0\\.1:" + mine.port() + " +5 .*UP DRAIN");
        DirectorMetrics metrics = new DirectorMetrics(d);
        assertThat(metrics.scrape()).contains("lvs4j_real_servers_held{hold=\"DRAIN\"} 1",
                        "lvs4j_real_servers_held{hold=\"MAINT\"} 0",
                        "lvs4j_service_persistence_templates{protocol=\"TCP\",service=\"127.0.0.1:" + vip + "\"} 2")
                .doesNotContain("packets"); // TCP: a user-space proxy sees no segments

        assertThat(d.disable(vs, mineAddress)).contains("in maintenance");
        assertThat(names(vip, 3)).isEqualTo(other.name); // maintenance: not even persistent clients
        assertThat(d.status()).contains("DOWN MAINT");
        assertThat(metrics.scrape()).contains("lvs4j_real_servers_held{hold=\"DRAIN\"} 0",
                "lvs4j_real_servers_held{hold=\"MAINT\"} 1",
                "lvs4j_real_server_up{protocol=\"TCP\",real_server=\"127.0.0.1:" + mine.port()
                        + "\",service=\"127.0.0.1:" + vip + "\"} 0");

        assertThat(d.enable(vs, mineAddress)).contains("ready"); // no checker: back at once
        assertThat(d.status()).containsPattern("127\\.0\\.0\\.1:" + mine.port() + " +5 .*UP\\n");
        assertThatIllegalArgumentException().isThrownBy(() -> d.drain(vs, new InetSocketAddress("127.0.0.1", 1)))
                .withMessage("real server 127.0.0.1:1 is not in TCP 127.0.0.1:" + vip + " (its real servers: "
                        + "127.0.0.1:" + a.port() + ", 127.0.0.1:" + b.port() + ")");
    }

    @Test
    void disableThenEnableOfACheckedRealServerBringsItBackAtItsNextPassingCheck() throws Exception {
        Echo a = closing(new Echo("A"));
        int vip = freePort();
        // retry 3: the checker needs four failed checks in a row before it believes the server down, so a quick
        // disable and enable happens while it still believes the server healthy
        Path conf = write("m.conf", "virtual_server 127.0.0.1 " + vip + " {\n    delay_loop 0.1\n    lb_algo rr\n"
                + "    lb_kind NAT\n    real_server 127.0.0.1 " + a.port() + " {\n        weight 1\n"
                + "        TCP_CHECK {\n            connect_timeout 1\n            retry 3\n"
                + "            delay_before_retry 0.5\n            warmup 0\n        }\n    }\n}\n");
        KeepalivedDirector d = start(conf);
        ServiceKey vs = new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.1", vip));
        InetSocketAddress real = new InetSocketAddress("127.0.0.1", a.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.accepted.get() >= 2); // checked, and passing
        assertThat(d.disable(vs, real)).contains("in maintenance");
        assertThat(state(d, a.port())).isEqualTo(RealServerState.DOWN);
        assertThat(d.enable(vs, real)).endsWith("back in service at its next passing check");
        await().atMost(Duration.ofSeconds(5)).until(() -> state(d, a.port()) == RealServerState.UP);
        assertThat(names(vip, 2)).isEqualTo("A");
    }

    @Test
    void anActiveStandbyPairHandsALoopbackVirtualAddressOver() throws Exception {
        Echo a = closing(new Echo("A"));
        Path key = privateKey();
        int port = freePort();
        int failoverPort = freePort();
        // adverts every 200 ms: a backup takes over only after about 600 ms without one, so a loaded machine (a
        // busy CI runner) does not make it master while the master is alive
        String template = "vrrp_instance VI_1 {\n    state STATE\n    virtual_router_id 51\n    priority PRIO\n"
                + "    advert_int 0.2\n    unicast_src_ip SELF\n    unicast_peer {\n        PEER\n    }\n"
                + "    virtual_ipaddress {\n        127.0.0.100/8\n    }\n    lvs4j {\n        key_file " + key
                + "\n        failover_port " + failoverPort + "\n    }\n}\n"
                + "virtual_server 127.0.0.100 " + port + " {\n    lb_algo rr\n    lb_kind NAT\n" + real(a, 1) + "}\n";
        KeepalivedDirector master = start(write("m.conf", template.replace("STATE", "MASTER")
                .replace("PRIO", "150").replace("SELF", "127.0.0.1").replace("PEER", "127.0.0.2")));
        KeepalivedDirector backup = start(write("b.conf", template.replace("STATE", "BACKUP")
                .replace("PRIO", "100").replace("SELF", "127.0.0.2").replace("PEER", "127.0.0.1")));
        await().atMost(Duration.ofSeconds(10)).until(() -> master.roles().get("VI_1") == Role.MASTER
                && backup.roles().get("VI_1") == Role.BACKUP);
        ServiceKey vs = new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.100", port));
        await().atMost(Duration.ofSeconds(5)).until(() -> master.serving(vs));
        assertThat(backup.serving(vs)).isFalse();
        assertThat(backup.status()).contains("VRRP VI_1: BACKUP priority 100",
                "is not bound here (its VRRP instance is not master)");
        try (Client c = new Client(InetAddress.getByName("127.0.0.100"), port)) {
            assertThat(c.ask("via-master")).isEqualTo("A:via-master");
        }
        master.stop(Duration.ofMillis(100)).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> backup.serving(vs));
        assertThat(backup.roles().get("VI_1")).isEqualTo(Role.MASTER);
        try (Client c = new Client(InetAddress.getByName("127.0.0.100"), port)) {
            assertThat(c.ask("via-backup")).isEqualTo("A:via-backup");
        }
    }

    /** A file with one instance of {@code priority} tracking a script that passes while {@code flag} exists. */
    private Path tracking(Path flag, String scriptSettings, int priority, String trackLine) throws IOException {
        Path key = privateKey();
        return write("track.conf", "vrrp_script chk {\n    script \"test -e " + flag + "\"\n    interval 0.05\n"
                + scriptSettings + "}\n"
                + "vrrp_instance VI_1 {\n    virtual_router_id 52\n    priority " + priority + "\n    advert_int 0.05\n"
                + "    unicast_src_ip 127.0.0.1\n    unicast_peer {\n        127.0.0.2\n    }\n"
                + "    track_script {\n        " + trackLine + "\n    }\n"
                + "    lvs4j {\n        key_file " + key + "\n        failover_port " + freePort() + "\n    }\n}\n");
    }

    @Test
    void aFailingTrackedScriptOfWeightZeroPutsTheInstanceInFault() throws Exception {
        Path flag = write("healthy", "");
        KeepalivedDirector d = start(tracking(flag, "    fall 2\n    rise 1\n", 100, "chk"));
        await().atMost(Duration.ofSeconds(10)).until(() -> d.roles().get("VI_1") == Role.MASTER);
        Files.delete(flag);
        await().atMost(Duration.ofSeconds(10)).until(() -> d.roles().get("VI_1") == Role.FAULT);
        assertThat(d.status()).contains("VRRP VI_1: FAULT priority 100 faults: vrrp_script chk");
        Files.writeString(flag, "");
        await().atMost(Duration.ofSeconds(10)).until(() -> d.roles().get("VI_1") == Role.MASTER);
    }

    @Test
    void aTrackedScriptWithAWeightMovesThePriority() throws Exception {
        Path flag = write("healthy", "");
        KeepalivedDirector d = start(tracking(flag, "    weight -30\n", 120, "chk weight 20"));
        // the track_script line's weight (+20) wins over the script's (-30): added while the script succeeds
        await().atMost(Duration.ofSeconds(10)).until(() -> d.failovers().get("VI_1").priority() == 140);
        Files.delete(flag);
        await().atMost(Duration.ofSeconds(10)).until(() -> d.failovers().get("VI_1").priority() == 120);
    }

    @Test
    void haSuspendChecksOnlyWhileTheInstanceIsMaster() throws Exception {
        Path key = privateKey();
        int vip = freePort();
        int dead = freePort(); // nothing listens: every check fails
        Path conf = write("ha.conf", "vrrp_instance VI_1 {\n    virtual_router_id 54\n    priority 100\n"
                + "    advert_int 2\n    unicast_src_ip 127.0.0.1\n    unicast_peer {\n        127.0.0.2\n    }\n"
                + "    virtual_ipaddress {\n        127.0.0.101\n    }\n"
                + "    lvs4j {\n        key_file " + key + "\n        failover_port " + freePort() + "\n    }\n}\n"
                + "virtual_server 127.0.0.101 " + vip + " {\n    delay_loop 0.05\n    ha_suspend\n    lb_kind NAT\n"
                + "    real_server 127.0.0.1 " + dead + " {\n        TCP_CHECK {\n            connect_timeout 0.2\n"
                + "            retry 0\n            warmup 0\n        }\n    }\n}\n");
        KeepalivedDirector d = start(conf);
        // a lone node waits three advert intervals (6 s) as BACKUP before it takes over: meanwhile nothing is checked
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() ->
                d.roles().get("VI_1") == Role.BACKUP && state(d, dead) == RealServerState.UP);
        await().atMost(Duration.ofSeconds(20)).until(() -> d.roles().get("VI_1") == Role.MASTER);
        await().atMost(Duration.ofSeconds(5)).until(() -> state(d, dead) == RealServerState.DOWN);
    }
}
