package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.api.Protocol;
import io.lvs4j.keepalived.internal.ConfigNode;
import io.lvs4j.keepalived.internal.ConfigParser;
import io.lvs4j.keepalived.internal.ConfigSchema;
import io.lvs4j.keepalived.internal.ServiceBuild;
import io.lvs4j.keepalived.spec.Check;
import io.lvs4j.keepalived.spec.CheckKind;
import io.lvs4j.keepalived.spec.DirectorSpec;
import io.lvs4j.keepalived.spec.Instance;
import io.lvs4j.keepalived.spec.Real;
import io.lvs4j.keepalived.spec.Service;
import io.lvs4j.keepalived.spec.VirtualAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The keepalived.conf grammar and keywords: a corpus of real-world-shaped files, and what malformed ones get. */
class KeepalivedConfigTest {

    private static Path corpus(String name) throws URISyntaxException {
        return Path.of(KeepalivedConfigTest.class.getResource("/keepalived/" + name).toURI());
    }

    private static List<ConfigProblem> problems(String text) throws ConfigException {
        return ConfigSchema.check(ConfigParser.parse("test.conf", text));
    }

    private static List<String> errors(String text) throws ConfigException {
        return problems(text).stream().filter(ConfigProblem::error).map(Object::toString).toList();
    }

    @Test
    void theCorpusParsesWithoutErrorsAndWarnsWhereLvs4jDiffers() throws Exception {
        for (String file : List.of("http-cluster.conf", "dns-cluster.conf", "active-standby.conf")) {
            List<ConfigNode> nodes = ConfigParser.parse(corpus(file));
            List<ConfigProblem> problems = ConfigSchema.check(nodes);
            assertThat(problems).as(file).noneMatch(ConfigProblem::error);
        }
        List<ConfigNode> http = ConfigParser.parse(corpus("http-cluster.conf"));
        assertThat(ConfigSchema.check(http)).extracting(Object::toString).anyMatch(w -> w.contains(
                "http-cluster.conf:3:4: warning: notification_email is not supported by lvs4j (lvs4j sends no "
                        + "e-mail; use notify scripts); ignored"));
        ConfigNode vs = http.get(1);
        assertThat(vs.keyword()).isEqualTo("virtual_server");
        ConfigNode rs = vs.block().stream().filter(n -> n.keyword().equals("real_server")).findFirst().orElseThrow();
        assertThat(rs.block()).extracting(ConfigNode::keyword).contains("weight", "HTTP_GET");
        assertThat(rs.block().stream().filter(n -> n.keyword().equals("notify_up")).findFirst().orElseThrow()
                .args().get(0).text()).isEqualTo("/usr/local/bin/notify up");

        List<ConfigNode> pair = ConfigParser.parse(corpus("active-standby.conf"));
        assertThat(pair).extracting(ConfigNode::keyword).containsExactly("global_defs", "vrrp_script",
                "vrrp_sync_group", "vrrp_instance", "vrrp_instance", "virtual_server", "virtual_server");
        ConfigNode auth = pair.get(3).block().stream().filter(n -> n.keyword().equals("authentication"))
                .findFirst().orElseThrow();
        assertThat(auth.block().get(1).args().get(0).text()).as("! and # inside a word are not comments")
                .isEqualTo("s3cr!t#1");
        assertThat(ConfigSchema.check(pair)).extracting(Object::toString).anyMatch(w -> w.contains(
                "authentication is not supported by lvs4j (keepalived's PASS and AH authentication are replaced"));
    }

    @Test
    void includesFollowGlobsAndStopAtCycles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.conf"), "include b.conf\n");
        Files.writeString(dir.resolve("b.conf"), "include a.conf\n");
        assertThatThrownBy(() -> ConfigParser.parse(dir.resolve("a.conf"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("include cycle");
        Files.writeString(dir.resolve("c.conf"), "include nothing-*.conf\n");
        assertThatThrownBy(() -> ConfigParser.parse(dir.resolve("c.conf"))).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("c.conf") + ":1:9: include 'nothing-*.conf' matches no file");
    }

    @Test
    void blocksNestAtMostSixteenDeepAndTheNextOneIsAnErrorAtItsBrace() throws Exception {
        String sixteen = "a {\n".repeat(ConfigParser.MAX_NESTING) + "}\n".repeat(ConfigParser.MAX_NESTING);
        assertThat(ConfigParser.parse("test.conf", sixteen)).hasSize(1);
        // far deeper than any stack would take: refused at the 17th brace, never a StackOverflowError
        String deep = "a {\n".repeat(100_000);
        assertThatThrownBy(() -> ConfigParser.parse("test.conf", deep)).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:17:3: blocks nest deeper than 16, lvs4j's limit");
    }

    @Test
    void includesCountTowardsTheNestingWhereTheyStand(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inner.conf"), "b {\n".repeat(8) + "}\n".repeat(8));
        Files.writeString(dir.resolve("outer.conf"), "a {\n".repeat(8) + "include inner.conf\n"
                + "}\n".repeat(8));
        assertThat(ConfigParser.parse(dir.resolve("outer.conf"))).hasSize(1);
        Files.writeString(dir.resolve("inner.conf"), "b {\n".repeat(9) + "}\n".repeat(9));
        assertThatThrownBy(() -> ConfigParser.parse(dir.resolve("outer.conf"))).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("inner.conf") + ":9:3: blocks nest deeper than 16, lvs4j's limit");
    }

    @Test
    void aFileOverOneMebibyteIsAnErrorAtTheLineWhereTheLimitFallsAndSoIsAnIncludedOne(@TempDir Path dir)
            throws Exception {
        String line = "# " + "x".repeat(1021) + "\n"; // 1 KiB
        Path big = dir.resolve("big.conf");
        Files.writeString(big, line.repeat(1024) + "global_defs {\n}\n");
        assertThatThrownBy(() -> ConfigParser.parse(big)).isInstanceOf(ConfigException.class)
                .hasMessage(big + ":1025:1: the file is larger than 1048576 bytes, lvs4j's limit for one "
                        + "configuration file");
        Files.writeString(big, line.repeat(1023));
        assertThat(ConfigParser.parse(big)).isEmpty();
        Files.writeString(big, line.repeat(1025));
        Files.writeString(dir.resolve("main.conf"), "global_defs {\n}\ninclude big.conf\n");
        assertThatThrownBy(() -> KeepalivedConfig.load(dir.resolve("main.conf"))).isInstanceOf(ConfigException.class)
                .hasMessage(big + ":1025:1: the file is larger than 1048576 bytes, lvs4j's limit for one "
                        + "configuration file");
        assertThatThrownBy(() -> ConfigParser.parse("test.conf", line.repeat(1025)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("test.conf:1025:1: the file is larger");
    }

    @Test
    void allTheFilesOfAConfigurationTogetherHoldAtMostFourMebibytes(@TempDir Path dir) throws Exception {
        String line = "# " + "x".repeat(1021) + "\n";
        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("part-" + i + ".conf"), line.repeat(1000)); // 1,024,000 bytes each
        }
        Files.writeString(dir.resolve("main.conf"), "include part-*.conf\n");
        assertThatThrownBy(() -> ConfigParser.parse(dir.resolve("main.conf"))).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("main.conf") + ":1:9: the configuration's files hold more than 4194304 "
                        + "bytes together, lvs4j's limit (at " + dir.resolve("part-4.conf") + ")");
        Files.delete(dir.resolve("part-4.conf"));
        assertThat(ConfigParser.parse(dir.resolve("main.conf"))).isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("virtual_server 10.0.0.1 80 {\n  lb_algoo rr\n}\n",
                        "test.conf:2:3: error: unknown keyword 'lb_algoo' in virtual_server 10.0.0.1; did you mean "
                                + "'lb_algo'?"),
                Arguments.of("virtal_server 10.0.0.1 80 {\n}\n",
                        "test.conf:1:1: error: unknown keyword 'virtal_server' in the top level; did you mean "
                                + "'virtual_server'?"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  lb_kind DR\n}\n",
                        "test.conf:2:11: error: lb_kind DR is kernel-only"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  lb_kind TUN\n}\n",
                        "test.conf:2:11: error: lb_kind TUN is kernel-only"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  lvs_method FOO\n}\n",
                        "test.conf:2:14: error: lvs_method must be NAT, DR or TUN but was 'FOO'"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  lb_algo fastest\n}\n",
                        "test.conf:2:11: error: lb_algo names no scheduler: 'fastest'"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  protocol SCTP\n}\n",
                        "test.conf:2:12: error: protocol must be one of TCP, UDP but was 'SCTP'"),
                Arguments.of("virtual_server 10.0.0.1 {\n}\n",
                        "test.conf:1:1: error: virtual_server takes 2 arguments but was given 1"),
                Arguments.of("virtual_server web.example.com 80 {\n}\n",
                        "test.conf:1:16: error: virtual_server must be an IP address but was 'web.example.com'"),
                Arguments.of("virtual_server fwmark 1 {\n}\n",
                        "test.conf:1:16: error: virtual_server fwmark services are kernel-only"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    weight 70000\n  }\n}\n",
                        "test.conf:3:12: error: weight must be a whole number 0..65535 but was '70000'"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 99999 {\n  }\n}\n",
                        "test.conf:2:15: error: real_server must be a whole number 1..65535 but was '99999'"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80\n}\n",
                        "test.conf:2:3: error: real_server needs a block: real_server ... { ... }"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  delay_loop 6 {\n  }\n}\n",
                        "test.conf:2:3: error: delay_loop takes no block"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  delay_loop six\n}\n",
                        "test.conf:2:14: error: delay_loop must be seconds (e.g. 3 or 0.5) but was 'six'"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    HTTP_GET {\n"
                                + "      url {\n        pathh /\n      }\n    }\n  }\n}\n",
                        "test.conf:5:9: error: unknown keyword 'pathh' in url; did you mean 'path'?"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    DNS_CHECK {\n"
                                + "      type SPF\n    }\n  }\n}\n",
                        "test.conf:4:12: error: type must be one of A, NS, CNAME, SOA, MX, TXT, AAAA but was 'SPF'"),
                Arguments.of("vrrp_instance VI_1 {\n  priority 300\n}\n",
                        "test.conf:2:12: error: priority must be a whole number 1..255 but was '300'"),
                Arguments.of("vrrp_instance VI_1 {\n  virtual_router_id 0\n}\n",
                        "test.conf:2:21: error: virtual_router_id must be a whole number 1..255 but was '0'"),
                Arguments.of("vrrp_instance VI_1 {\n  state LEADER\n}\n",
                        "test.conf:2:9: error: state must be one of MASTER, BACKUP but was 'LEADER'"),
                Arguments.of("vrrp_instance VI_1 {\n  unicast_src_ip 10.0.0.300\n}\n",
                        "test.conf:2:18: error: unicast_src_ip must be an IP address but was '10.0.0.300'"),
                Arguments.of("vrrp_instance {\n}\n",
                        "test.conf:1:1: error: vrrp_instance takes 1 argument but was given 0"),
                Arguments.of("vrrp_script chk {\n  weight -300\n}\n",
                        "test.conf:2:10: error: weight must be -253..253 but was '-300'"),
                Arguments.of("global_defs {\n  router_idd LVS\n}\n",
                        "test.conf:2:3: error: unknown keyword 'router_idd' in global_defs; did you mean "
                                + "'router_id'?"),
                Arguments.of("vrrp_instance VI_1 {\n  lvs4j {\n    key_id 256\n  }\n}\n",
                        "test.conf:3:12: error: key_id must be a whole number 0..255 but was '256'"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aMalformedStatementIsAnErrorWithItsPlace(String text, String expected) throws Exception {
        assertThat(errors(text)).anyMatch(e -> e.startsWith(expected));
    }

    static Stream<Arguments> unparsable() {
        return Stream.of(
                Arguments.of("virtual_server 10.0.0.1 80 {\n  delay_loop 6\n",
                        "test.conf:3:1: a block is not closed: '}' missing before the end of the file"),
                Arguments.of("}\n", "test.conf:1:1: '}' without a matching '{'"),
                Arguments.of("{\n}\n", "test.conf:1:1: '{' must follow a keyword"),
                Arguments.of("vrrp_script chk {\n  script \"/bin/check\n}\n",
                        "test.conf:2:10: a quoted string is not closed on its line"),
                Arguments.of("include\n", "test.conf:1:1: include takes one file or glob, but was given 0"));
    }

    @ParameterizedTest
    @MethodSource("unparsable")
    void brokenSyntaxStopsTheParseAtItsPlace(String text, String expected) {
        assertThatThrownBy(() -> ConfigParser.parse("test.conf", text)).isInstanceOf(ConfigException.class)
                .hasMessage(expected);
    }

    @Test
    void anInstanceWithoutAKeyIsAWarningAndABlockMayOpenOnTheNextLine() throws Exception {
        List<ConfigProblem> p = problems("vrrp_instance VI_1\n{\n  priority 100\n}\n");
        assertThat(p).extracting(Object::toString).containsExactly("test.conf:1:1: warning: vrrp_instance VI_1 has "
                + "no lvs4j { key_file PATH } block: its adverts would not be authenticated, and starting it needs "
                + "--insecure");
    }

    @Test
    void theCorpusTranslatesIntoWhatLvs4jRuns() throws Exception {
        DirectorSpec http = KeepalivedConfig.load(corpus("http-cluster.conf")).config();
        assertThat(http.routerId()).isEqualTo("LVS_WEB");
        Service web = http.services().get(0);
        assertThat(web.name()).isEqualTo("TCP 10.0.0.100:80");
        assertThat(web.scheduler()).isEqualTo("wlc");
        assertThat(web.persistence()).isEqualTo(Duration.ofSeconds(300));
        assertThat(web.persistenceNetmask()).as("255.255.255.0").isEqualTo(24);
        assertThat(web.quorum()).isEqualTo(2);
        assertThat(web.hysteresis()).isEqualTo(1);
        assertThat(web.sorryServer()).isEqualTo(new InetSocketAddress("10.0.0.99", 8080));
        assertThat(web.omega()).isTrue();
        assertThat(web.quorumUp()).containsExactly("/usr/local/bin/web-up");
        Real first = web.realServers().get(0);
        assertThat(first.weight()).isEqualTo(3);
        assertThat(first.upperThreshold()).isEqualTo(1000);
        assertThat(first.lowerThreshold()).isEqualTo(800);
        assertThat(first.notifyUp()).containsExactly("/usr/local/bin/notify", "up");
        assertThat(first.health().inhibitOnFailure()).isTrue();
        assertThat(first.health().alpha()).as("alpha on the virtual server").isTrue();
        assertThat(first.health().delayLoop()).isEqualTo(Duration.ofSeconds(6));
        assertThat(first.health().retry()).isEqualTo(3);
        assertThat(first.health().warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(first.checks()).hasSize(2).allSatisfy(c -> {
            assertThat(c.kind()).isEqualTo(CheckKind.HTTP);
            assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(c.http().virtualHost()).isEqualTo("www.example.com");
        });
        assertThat(first.checks().get(1).http().digest()).isEqualTo("9b3a0c85a887a256d6939da88aabd8cd");
        Check ssl = web.realServers().get(1).checks().get(0);
        assertThat(ssl.kind()).isEqualTo(CheckKind.SSL);
        assertThat(ssl.http().tls()).isTrue();
        assertThat(ssl.http().regex().pattern()).isEqualTo("status: (ok|degraded)");
        assertThat(ssl.connectTo()).isEqualTo(new InetSocketAddress("10.0.0.12", 443));
        assertThat(ssl.connectTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(ServiceBuild.virtualService(web).persistenceNetmask()).isEqualTo(24);

        DirectorSpec dns = KeepalivedConfig.load(corpus("dns-cluster.conf")).config();
        Service udp = dns.services().get(0);
        assertThat(udp.protocol()).isEqualTo(Protocol.UDP);
        assertThat(udp.scheduler()).isEqualTo("sh");
        assertThat(udp.flags()).containsExactlyInAnyOrder("sh-port", "sh-fallback");
        assertThat(udp.onePacket()).isTrue();
        assertThat(udp.realServers().get(0).checks().get(0)).satisfies(c -> {
            assertThat(c.kind()).isEqualTo(CheckKind.DNS);
            assertThat(c.dnsType()).isEqualTo("SOA");
            assertThat(c.dnsName()).isEqualTo("example.com.");
        });
        assertThat(udp.realServers().get(1).checks().get(0)).satisfies(c -> {
            assertThat(c.kind()).isEqualTo(CheckKind.UDP);
            assertThat(c.payload()).containsExactly(0);
            assertThat(c.requireReply()).isTrue();
        });

        // a key file must be private (a checkout makes it 0644)
        Files.setPosixFilePermissions(corpus("group.key"), PosixFilePermissions.fromString("rw-------"));
        DirectorSpec pair = KeepalivedConfig.load(corpus("active-standby.conf")).config();
        Instance out = pair.instances().get(0);
        assertThat(out.name()).isEqualTo("VI_OUT");
        assertThat(out.routerId()).isEqualTo(51);
        assertThat(out.priority()).isEqualTo(150);
        assertThat(out.advertInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(out.preemptDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(out.bind()).as("5100 + virtual_router_id").isEqualTo(new InetSocketAddress(
                "192.168.1.10", 5151));
        assertThat(out.peers()).containsExactly(new InetSocketAddress("192.168.1.11", 5151));
        assertThat(out.multicastGroup()).isNull();
        assertThat(out.virtualAddresses()).containsExactly(new VirtualAddress(
                InetAddress.getByName("10.0.0.100"), 24, "eth0"));
        assertThat(out.tracks()).singleElement().satisfies(t -> {
            assertThat(t.command()).containsExactly("/usr/local/bin/check-director");
            assertThat(t.weight()).isEqualTo(-20);
            assertThat(t.rise()).isEqualTo(2);
            assertThat(t.fall()).isEqualTo(2);
            assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(out.key()).hasSize(32);
        assertThat(out.notifyMaster()).containsExactly("/usr/local/bin/notify", "master");
        assertThat(out.garpRepeat()).as("from global_defs").isEqualTo(5);
        Instance in = pair.instances().get(1);
        assertThat(in.multicastGroup()).as("no unicast_peer: keepalived's multicast group")
                .isEqualTo(InetAddress.getByName("224.0.0.18"));
        assertThat(pair.syncGroups()).singleElement().satisfies(g -> {
            assertThat(g.members()).containsExactly("VI_OUT", "VI_IN");
            assertThat(g.notifyMaster()).containsExactly("/usr/local/bin/nat", "master");
        });
        assertThat(pair.services()).extracting(Service::name)
                .containsExactly("TCP 10.0.0.25:25", "TCP 10.0.0.100:443");
        assertThat(pair.services().get(0).realServers()).allSatisfy(r -> assertThat(r.checks()).isNotEmpty());
    }

    static Stream<Arguments> meaningless() {
        return Stream.of(
                Arguments.of("virtual_server group WEB {\n}\n", "test.conf:1:22: error: virtual_server group 'WEB' "
                        + "names no virtual_server_group"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n}\nvirtual_server 10.0.0.1 80 {\n}\n", "test.conf:3:1: "
                        + "error: virtual_server TCP 10.0.0.1:80 is already declared at test.conf:1:1"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n }\n real_server 10.0.0.2 "
                        + "80 {\n }\n}\n", "test.conf:4:2: error: real_server 10.0.0.2:80 is listed twice in this "
                        + "virtual_server"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n persistence_granularity 255.0.255.0\n}\n",
                        "test.conf:2:26: error: persistence_granularity must be a netmask such as 255.255.255.0 or a "
                                + "prefix length but was '255.0.255.0'"),
                Arguments.of("virtual_server_group G {\n 10.0.0.9-3 80\n}\nvirtual_server group G {\n}\n",
                        "test.conf:2:2: error: virtual_server_group range 10.0.0.9-3 must end at 9..255"),
                Arguments.of("virtual_server_group G {\n fwmark 1\n}\nvirtual_server group G {\n}\n",
                        "test.conf:2:2: error: fwmark in a virtual_server_group is kernel-only"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  HTTP_GET {\n  }\n }\n}\n",
                        "test.conf:3:3: error: HTTP_GET needs at least one url { path ... } block"),
                Arguments.of("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  UDP_CHECK {\n   payload "
                        + "zz\n  }\n }\n}\n", "test.conf:3:3: error: UDP_CHECK payload must be hexadecimal bytes "
                        + "such as 0a1b but was 'zz'"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n unicast_src_ip 10.0.0.1\n unicast_peer {\n"
                        + "  10.0.0.2 10.0.0.3\n }\n}\n", "test.conf:5:3: error: unicast_peer lines are one address "
                        + "each, but this one has 2 words"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n unicast_peer {\n  10.0.0.2\n }\n}\n",
                        "test.conf:1:1: error: vrrp_instance VI has unicast peers but no unicast_src_ip"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n}\n", "test.conf:1:1: error: vrrp_instance "
                        + "VI has no unicast_peer, so its adverts are multicast: it needs an interface"),
                Arguments.of("vrrp_instance VI {\n priority 9\n}\n", "test.conf:1:1: error: vrrp_instance VI needs "
                        + "virtual_router_id"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n unicast_src_ip 10.0.0.1\n unicast_peer {\n"
                        + "  10.0.0.2\n }\n}\nvrrp_instance VJ {\n virtual_router_id 2\n unicast_src_ip 10.0.0.1\n"
                        + " unicast_peer {\n  10.0.0.2\n }\n lvs4j {\n  failover_port 5101\n }\n}\n",
                        "test.conf:8:1: error: vrrp_instance VJ would send and receive its adverts on 10.0.0.1:5101, "
                                + "as vrrp_instance VI (test.conf:1:1) does: give one of them another failover_port"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n interface lo\n virtual_ipaddress {\n"
                        + "  10.0.0.5/33\n }\n}\n", "test.conf:5:3: error: virtual_ipaddress prefix must be 0..32 "
                        + "but was '33'"),
                Arguments.of("vrrp_script chk_a {\n script true\n}\nvrrp_instance VI {\n virtual_router_id 1\n"
                        + " interface lo\n track_script {\n  chk_b\n }\n}\n", "test.conf:8:3: error: track_script "
                        + "'chk_b' names no vrrp_script; did you mean 'chk_a'?"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n interface lo\n}\nvrrp_sync_group G {\n"
                        + " group {\n  VI\n  VJ\n }\n}\n", "test.conf:8:3: error: vrrp_sync_group G lists 'VJ', "
                        + "which names no vrrp_instance; did you mean 'VI'?"),
                Arguments.of("vrrp_instance VI {\n virtual_router_id 1\n interface lo\n lvs4j {\n  key_file "
                        + "/nonexistent/lvs4j.key\n }\n}\n", "test.conf:5:12: error: key_file /nonexistent/lvs4j.key "
                        + "cannot be read"));
    }

    @ParameterizedTest
    @MethodSource("meaningless")
    void aStatementThatMeansNothingHereIsAnErrorWithItsPlace(String text, String expected) throws Exception {
        KeepalivedConfig.Result r = KeepalivedConfig.of(ConfigParser.parse("test.conf", text));
        assertThat(r.config()).isNull();
        assertThat(r.problems()).filteredOn(ConfigProblem::error).extracting(Object::toString)
                .anyMatch(p -> p.startsWith(expected));
    }
}
