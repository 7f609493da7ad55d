package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.ProxyProtocol;
import io.lvs4j.api.VirtualService;
import io.lvs4j.forward.Transport;
import io.lvs4j.keepalived.internal.ConfigParser;
import io.lvs4j.keepalived.spec.DirectorSettings;
import io.lvs4j.keepalived.spec.DirectorSpec;
import io.lvs4j.keepalived.spec.Service;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lvs4j { }} blocks of global_defs and virtual_server: read into the specification, refused when unknown,
 * and applied by the running director.
 */
class ExtensionBlockTest extends LoopbackTest {

    @TempDir
    Path dir;

    private static KeepalivedConfig.Result load(String text) throws ConfigException {
        return KeepalivedConfig.of(ConfigParser.parse("test.conf", text));
    }

    @Test
    void everyKeywordOfBothBlocksReachesTheSpecification() throws Exception {
        KeepalivedConfig.Result r = load("""
                global_defs {
                    lvs4j {
                        transport nio
                        connect_timeout 0.5
                        idle_timeout 7
                        udp_unreplied_timeout 2
                        max_flows 300
                        max_conns 400
                        stop_grace 1.5
                        events
                    }
                }
                virtual_server 127.0.0.1 8080 {
                    lvs4j {
                        proxy_protocol v2
                        slow_start 30
                        max_conns 50
                    }
                    real_server 127.0.0.1 8081 {
                    }
                }
                """);
        assertThat(r.problems()).filteredOn(ConfigProblem::error).isEmpty();
        DirectorSpec spec = r.config();
        assertThat(spec.settings()).isEqualTo(DirectorSettings.builder().transport(Transport.NIO)
                .connectTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(7))
                .udpUnrepliedTimeout(Duration.ofSeconds(2)).maxFlows(300).maxConnections(400)
                .stopGrace(Duration.ofMillis(1500)).events(true).build());
        Service s = spec.services().get(0);
        assertThat(s.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(s.slowStart()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxConnections()).isEqualTo(50);
    }

    @Test
    void withoutTheBlocksTheSettingsAreTheLibrarysDefaults() throws Exception {
        DirectorSpec spec = load("virtual_server 127.0.0.1 8080 {\n}\n").config();
        assertThat(spec.settings()).isEqualTo(DirectorSettings.DEFAULTS);
        assertThat(spec.services().get(0).proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        assertThat(spec.services().get(0).slowStart()).isZero();
    }

    @Test
    void udpResponsesReachesTheUdpServiceAndABadOrTcpOneIsAnErrorAtItsLine() throws Exception {
        KeepalivedConfig.Result ok = load("""
                virtual_server 127.0.0.1 53 {
                    protocol UDP
                    ops
                    lvs4j {
                        udp_responses 1
                    }
                }
                """);
        assertThat(ok.problems()).filteredOn(ConfigProblem::error).isEmpty();
        Service s = ok.config().services().get(0);
        assertThat(s.udpResponses()).isEqualTo(1);
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(load("virtual_server 127.0.0.1 53 {\n protocol UDP\n}\n").config().services().get(0)
                .udpResponses()).isZero();
        KeepalivedConfig.Result bad = load("""
                virtual_server 127.0.0.1 53 {
                    protocol UDP
                    lvs4j {
                        udp_responses -1
                    }
                }
                virtual_server 127.0.0.1 54 {
                    protocol UDP
                    lvs4j {
                        udp_responses 65536
                    }
                }
                """);
        assertThat(bad.config()).isNull();
        assertThat(bad.problems()).extracting(Object::toString).containsExactly(
                "test.conf:4:23: error: udp_responses must be a whole number 0..65535 but was '-1'",
                "test.conf:10:23: error: udp_responses must be a whole number 0..65535 but was '65536'");
        KeepalivedConfig.Result tcp = load("""
                virtual_server 127.0.0.1 80 {
                    lvs4j {
                        udp_responses 1
                    }
                }
                """);
        assertThat(tcp.config()).isNull();
        assertThat(tcp.problems()).extracting(Object::toString).containsExactly(
                "test.conf:3:9: error: virtual_server TCP 127.0.0.1:80: udpResponses applies to UDP services only, "
                        + "not TCP");
    }

    @Test
    void anUnknownOrBadKeywordInEitherBlockIsAnErrorAtItsLine() throws Exception {
        KeepalivedConfig.Result r = load("""
                global_defs {
                    lvs4j {
                        transprt nio
                        idle_timeout soon
                    }
                }
                virtual_server 127.0.0.1 8080 {
                    lvs4j {
                        proxy_protocol v3
                        slowstart 5
                    }
                }
                """);
        assertThat(r.config()).isNull();
        assertThat(r.problems()).extracting(Object::toString).containsExactly(
                "test.conf:3:9: error: unknown keyword 'transprt' in lvs4j; did you mean 'transport'?",
                "test.conf:4:22: error: idle_timeout must be seconds (e.g. 3 or 0.5) but was 'soon'",
                "test.conf:9:24: error: proxy_protocol must be one of V1, V2 but was 'v3'",
                "test.conf:10:9: error: unknown keyword 'slowstart' in lvs4j; did you mean 'slow_start'?");
    }

    @Test
    void theRunningDirectorSendsTheProxyHeaderAppliesSlowStartAndLimitsAndWritesEvents() throws Exception {
        Echo a = closing(new Echo("A"));
        int vip = freePort();
        Path conf = dir.resolve("x.conf");
        Files.writeString(conf, """
                global_defs {
                    lvs4j {
                        transport nio
                        idle_timeout 0.3
                        events
                    }
                }
                virtual_server 127.0.0.1 %d {
                    lb_algo wlc
                    lvs4j {
                        proxy_protocol v1
                        slow_start 20
                        max_conns 7
                    }
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout 1
                            delay_loop 0.1
                            retry 0
                        }
                    }
                }
                """.formatted(vip, a.port()));
        KeepalivedConfig.Result r = KeepalivedConfig.load(conf);
        assertThat(r.problems()).filteredOn(ConfigProblem::error).isEmpty();
        List<String> events = new CopyOnWriteArrayList<>();
        KeepalivedDirector director = closing(new KeepalivedDirector(r.config(),
                new KeepalivedDirector.Options(1, false, events::add)));
        director.start().toCompletableFuture().join();

        VirtualService running = director.directors().values().stream()
                .flatMap(d -> d.virtualServices().stream()).findFirst().orElseThrow();
        assertThat(running.slowStart()).isEqualTo(Duration.ofSeconds(20));
        assertThat(running.maxConnections()).isEqualTo(7);
        assertThat(running.realServers().get(0).proxyProtocol()).isEqualTo(ProxyProtocol.V1);

        try (Client c = new Client(vip)) {
            // the echo server answers the PROXY header's line first: the header reached the real server
            c.out.println("hello");
            String header = c.in.readLine();
            assertThat(header).isEqualTo("A:PROXY TCP4 127.0.0.1 127.0.0.1 " + c.socket.getLocalPort() + " " + vip);
            assertThat(c.in.readLine()).isEqualTo("A:hello");
            // idle_timeout 0.3: the idle connection is closed by the director
            long start = System.nanoTime();
            assertThat(c.in.readLine()).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.endsWith(" serving -")));
        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                .anyMatch(e -> e.matches("event \\d+\\.\\d{3} server 127\\.0\\.0\\.1:" + a.port() + " DOWN")));
    }

    @Test
    void aReloadThatChangesTheGlobalBlockIsRefused() throws Exception {
        int vip = freePort();
        Path conf = dir.resolve("r.conf");
        String service = "virtual_server 127.0.0.1 " + vip + " {\n}\n";
        Files.writeString(conf, "global_defs {\n lvs4j {\n  idle_timeout 5\n }\n}\n" + service);
        KeepalivedDirector director = closing(new KeepalivedDirector(KeepalivedConfig.load(conf).config(),
                new KeepalivedDirector.Options(1, false)));
        director.start().toCompletableFuture().join();
        Files.writeString(conf, "global_defs {\n lvs4j {\n  idle_timeout 6\n }\n}\n" + service);
        assertThatIllegalStateException().isThrownBy(() -> director.reload(conf))
                .withMessageContaining("the global lvs4j block changed").withMessageContaining("unchanged");
        assertThat(director.config().settings().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        try (Socket s = new Socket("127.0.0.1", vip)) {
            assertThat(s.isConnected()).isTrue(); // still serving
        } catch (IOException e) {
            throw new AssertionError("the service stopped serving after a refused reload", e);
        }
    }
}
