package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Per-check meters at the admin endpoint's /metrics, from a running director whose real server dies. */
@Timeout(60)
class CheckMetricsTest {

    @Test
    void aDeadRealServersFailedChecksRiseAtMetricsAndTheLiveOnesDoNotFail(@TempDir Path dir) throws Exception {
        try (RunningDirector d = new RunningDirector(dir)) {
            String a = "real_server=\"" + d.address(d.a) + "\"";
            String b = "real_server=\"" + d.address(d.b) + "\"";
            await().atMost(Duration.ofSeconds(10)).until(() -> count(scrape(d), "passed", b) >= 2);
            assertThat(scrape(d)).as("no failed series before a failure")
                    .doesNotContain("lvs4j_health_checks_total{protocol=\"TCP\"," + b + ",result=\"failed\"");

            d.b.close(); // the real server dies; its TCP_CHECK (every 100 ms) now fails
            await().atMost(Duration.ofSeconds(10)).until(() -> count(scrape(d), "failed", b) >= 1);
            double first = count(scrape(d), "failed", b);
            await().atMost(Duration.ofSeconds(10)).until(() -> count(scrape(d), "failed", b) > first);
            String scrape = scrape(d);
            assertThat(count(scrape, "failed", a)).as("A still passes").isZero();
            assertThat(scrape).contains("# HELP lvs4j_health_checks_total Health checks of the real server",
                    "# TYPE lvs4j_health_check_duration_seconds summary",
                    "lvs4j_health_check_duration_seconds_count{protocol=\"TCP\"," + b)
                    .contains("lvs4j_health_transitions_total{protocol=\"TCP\"," + b);
        }
    }

    private static String scrape(RunningDirector d) throws Exception {
        HttpResponse<String> r = d.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of {@code lvs4j_health_checks_total} for one real server and result; 0 when there is no series. */
    private static double count(String scrape, String result, String realServer) {
        Matcher m = Pattern.compile("(?m)^lvs4j_health_checks_total\\{protocol=\"TCP\"," + Pattern.quote(realServer)
                + ",result=\"" + result + "\",service=\"[^\"]+\"} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
