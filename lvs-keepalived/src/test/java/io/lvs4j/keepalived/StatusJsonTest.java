package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.ServiceKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /status.json} on a running director with two real servers and a VRRP instance: the documented schema
 * (docs/keepalived.md, "Status as JSON"), parsed; what changes when a real server fails, is drained and is enabled;
 * and nothing without the token. Also the stats page at {@code /}: served without the token, holding no data, under a
 * Content-Security-Policy that admits only its own script and style.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private RunningDirector d;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture();
        d = new RunningDirector(dir);
    }

    @AfterEach
    void stop() throws Exception {
        d.close();
        log.assertNoLeaks();
        log.close();
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> r = d.get("/status.json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return JSON.readTree(r.body());
    }

    private JsonNode real(JsonNode doc, LoopbackTest.Echo e) {
        for (JsonNode r : doc.at("/services/0/realServers")) {
            if (r.get("address").asText().equals(d.address(e))) {
                return r;
            }
        }
        throw new AssertionError("no real server " + d.address(e) + " in " + doc);
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theDocumentHasTheSchemasFieldsForARunningDirector() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode doc = status();
            return real(doc, d.a).hasNonNull("lastCheck") && real(doc, d.b).hasNonNull("lastCheck")
                    && doc.at("/vrrpInstances/0/role").asText().equals("MASTER");
        });
        try (LoopbackTest.Client c = new LoopbackTest.Client(d.vip)) {
            assertThat(c.ask("hi")).endsWith(":hi");
        }
        JsonNode doc = status();
        assertThat(names(doc)).containsExactly("schema", "routerId", "time", "services", "vrrpInstances", "limits",
                "admin");
        assertThat(doc.get("schema").asInt()).isEqualTo(1);
        assertThat(doc.get("routerId").asText()).isEqualTo("stats-test");
        assertThat(Instant.parse(doc.get("time").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());

        assertThat(doc.get("services")).hasSize(1);
        JsonNode s = doc.at("/services/0");
        assertThat(names(s)).containsExactly("protocol", "address", "scheduler", "serving", "vrrpInstance",
                "connections", "persistenceTemplates", "totals", "rates", "counters", "realServers");
        assertThat(s.get("protocol").asText()).isEqualTo("TCP");
        assertThat(s.get("address").asText()).isEqualTo("127.0.0.1:" + d.vip);
        assertThat(s.get("scheduler").asText()).isEqualTo("rr");
        assertThat(s.get("serving").asBoolean()).isTrue();
        assertThat(s.get("vrrpInstance").isNull()).isTrue(); // 127.0.0.1 is no instance's virtual address
        assertThat(names(s.get("totals"))).containsExactly("connections", "inPackets", "outPackets", "inBytes",
                "outBytes");
        assertThat(s.at("/totals/connections").asLong()).isEqualTo(1);
        assertThat(s.at("/totals/inBytes").asLong()).isEqualTo(3); // "hi\n"
        assertThat(names(s.get("rates"))).containsExactly("cps", "inPps", "outPps", "inBps", "outBps");
        assertThat(names(s.get("counters"))).containsExactly("evictedFlows", "droppedDatagrams", "acceptFailures",
                "noServer", "sorryServer");

        assertThat(s.get("realServers")).hasSize(2);
        JsonNode a = real(doc, d.a);
        assertThat(names(a)).containsExactly("address", "state", "hold", "weight", "activeConnections",
                "inactiveConnections", "totals", "rates", "lastCheck", "lastChange");
        assertThat(a.get("state").asText()).isEqualTo("UP");
        assertThat(a.get("hold").asText()).isEqualTo("READY");
        assertThat(a.get("weight").asInt()).isEqualTo(3);
        assertThat(real(doc, d.b).get("weight").asInt()).isEqualTo(2);
        assertThat(a.at("/lastCheck/healthy").asBoolean()).isTrue();
        assertThat(Instant.parse(a.at("/lastCheck/at").asText())).isBeforeOrEqualTo(Instant.parse(
                doc.get("time").asText()));
        assertThat(a.get("activeConnections").isInt()).isTrue();

        assertThat(doc.get("vrrpInstances")).hasSize(1);
        JsonNode i = doc.at("/vrrpInstances/0");
        assertThat(names(i)).containsExactly("name", "virtualRouterId", "role", "priority", "configuredPriority",
                "insecure", "faults", "refusedAdverts", "limits", "lastChange");
        assertThat(i.get("name").asText()).isEqualTo("VI_1");
        assertThat(i.get("virtualRouterId").asInt()).isEqualTo(61);
        assertThat(i.get("priority").asInt()).isEqualTo(120);
        assertThat(i.get("insecure").asBoolean()).isTrue();
        assertThat(i.get("faults")).isEmpty();
        assertThat(names(i.get("refusedAdverts"))).contains("MALFORMED", "BAD_MAC", "REPLAYED");
        assertThat(i.at("/lastChange/to").asText()).isEqualTo("MASTER");
        assertThat(i.at("/limits/maxFlows").isNull()).isTrue();

        assertThat(names(doc.get("limits"))).containsExactly("evictedFlows", "droppedDatagrams", "acceptFailures");
        assertThat(doc.at("/admin/maxConnections").asInt()).isEqualTo(AdminServer.Limits.DEFAULT_MAX_CONNECTIONS);
        assertThat(doc.at("/admin/closedAtLimit").asLong()).isZero();
    }

    @Test
    void aFailureADrainAndAnEnableShowWithTheirTimes() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> real(status(), d.b).hasNonNull("lastCheck"));
        d.b.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> real(status(), d.b).get("state").asText()
                .equals("DOWN"));
        JsonNode b = real(status(), d.b);
        assertThat(b.at("/lastCheck/healthy").asBoolean()).isFalse();
        assertThat(b.at("/lastChange/to").asText()).isEqualTo("DOWN");
        assertThat(real(status(), d.a).get("state").asText()).isEqualTo("UP");

        String target = "protocol=tcp&service=127.0.0.1:" + d.vip + "&real=" + d.address(d.a);
        assertThat(d.call("POST", "/drain?" + target, "Bearer " + d.token).statusCode()).isEqualTo(200);
        JsonNode a = real(status(), d.a);
        assertThat(a.get("hold").asText()).isEqualTo("DRAIN");
        assertThat(a.get("state").asText()).isEqualTo("UP");
        assertThat(a.at("/lastChange/to").asText()).isEqualTo("DRAIN");
        assertThat(a.at("/lastChange/reason").asText()).isEqualTo("operator");
        assertThat(d.call("POST", "/enable?" + target, "Bearer " + d.token).statusCode()).isEqualTo(200);
        assertThat(real(status(), d.a).get("hold").asText()).isEqualTo("READY");
        assertThat(real(status(), d.a).at("/lastChange/to").asText()).isEqualTo("READY");
    }

    @Test
    void theDumpReplacesItsFileWholeAndOnlyThisUserCanReadIt() throws Exception {
        Path file = dir.resolve("home").resolve("director-1.json");
        StatusDocument.dump(d.director, file);
        JsonNode first = JSON.readTree(Files.readString(file));
        assertThat(first.get("schema").asInt()).isEqualTo(1);
        assertThat(first.at("/services/0/realServers")).hasSize(2);
        assertThat(first.has("admin")).isFalse(); // the endpoint's own section is the endpoint's
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        d.director.drain(new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.1", d.vip)), new InetSocketAddress("127.0.0.1",
                d.a.port()));
        StatusDocument.dump(d.director, file);
        assertThat(real(JSON.readTree(Files.readString(file)), d.a).get("hold").asText()).isEqualTo("DRAIN");
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
        Path blocked = dir.resolve("a-file");
        Files.writeString(blocked, "");
        assertThatThrownBy(() -> StatusDocument.dump(d.director, blocked.resolve("x.json")))
                .isInstanceOf(IOException.class).hasMessageContaining("a-file");
    }

    @Test
    void theDocumentNeedsTheToken() throws Exception {
        for (String auth : new String[] {null, "Bearer ", "Bearer wrong", "Basic " + d.token, d.token}) {
            HttpResponse<String> r = d.call("GET", "/status.json", auth);
            assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
            assertThat(r.body()).doesNotContain("127.0.0.1", "VI_1", "schema");
        }
        // nor does the token in the query string count
        assertThat(d.call("GET", "/status.json?token=" + d.token, null).statusCode()).isEqualTo(401);
        assertThat(d.call("POST", "/status.json", "Bearer " + d.token).statusCode()).isEqualTo(405);
    }

    @Test
    void thePageIsServedWithoutTheTokenHoldsNoDataAndAdmitsOnlyItsOwnScript() throws Exception {
        HttpResponse<String> r = d.call("GET", "/", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).contains("<title>lvs4j director</title>", "/status.json", "sessionStorage")
                .doesNotContain("127.0.0.1:" + d.vip, "stats-test", d.token)
                .doesNotContainPattern("<script[^>]*src=|<link[^>]*stylesheet|https?://")
                // what the director reports (check details come from real servers) is put in as text, never markup
                .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).startsWith("default-src 'none';").contains("connect-src 'self'", "frame-ancestors 'none'",
                StatsPage.hash(r.body(), "script"), StatsPage.hash(r.body(), "style"))
                .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        // anything else still needs the token
        assertThat(d.call("GET", "/?x=1", null).statusCode()).isEqualTo(401);
        assertThat(d.call("POST", "/", null).statusCode()).isEqualTo(401);
    }
}
