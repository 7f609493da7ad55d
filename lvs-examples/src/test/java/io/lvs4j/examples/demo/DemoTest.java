package io.lvs4j.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import io.lvs4j.examples.demo.report.Analysis;
import io.lvs4j.examples.demo.report.RedundancyFigures;
import io.lvs4j.examples.demo.report.Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the whole experiment (separate processes for real servers, directors and the load generator), and
 * the consistency of its report. Smaller than {@code --quick}: one cluster of 2, two loads, 2 s steps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoTest {

    private static final int STEP_SECONDS = 2;
    private static final int PLAN_END_SECONDS = 14;

    @Test
    void aShortRunProducesAConsistentReport(@TempDir Path out) throws Exception {
        // 2 s steps: a half-second stall of a loaded runner (a JIT pause, a late advert) moves a 1 s step's throughput
        // by half, which the cluster-against-single comparison below cannot absorb
        DemoSettings s = new DemoSettings("test", 4, Duration.ofMillis(20), 8, List.of(2), List.of(0.5, 2.0),
                Duration.ofSeconds(STEP_SECONDS), Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                // each moment waits for the one before (rs2 UP after its JVM restarts, 3 s on a loaded runner), so
                // the master is killed at 6 s, not 3 s, and the load runs to 14 s: its takeover always has load
                new DemoSettings.Plan(1.0, 2, Duration.ofMillis(1000), Duration.ofMillis(2000),
                        Duration.ofMillis(6000), Duration.ofMillis(8000), Duration.ofSeconds(PLAN_END_SECONDS)), out);
        StringWriter progress = new StringWriter();
        DemoResult result;
        try (Demo demo = new Demo(s, new PrintWriter(progress, true))) {
            result = demo.run();
        }
        Analysis analysis = Analysis.of(result);
        String terminal = Report.write(analysis);

        // every file of the report, every chart a PNG
        assertThat(out.resolve("index.html")).isNotEmptyFile();
        assertThat(out.resolve("report.md")).isNotEmptyFile();
        for (String chart : List.of("throughput", "loss", "latency", "percentiles", "cpu", "timeline")) {
            byte[] png = Files.readAllBytes(out.resolve("charts/" + chart + ".png"));
            assertThat(png).as(chart).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
        }

        // the performance table: one row per step, each row's figures agree with each other and with the records
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + 4); // single and 2 servers at two loads
        List<String> header = List.of(csv.get(0).split(","));
        String md = Files.readString(out.resolve("report.md"));
        String html = Files.readString(out.resolve("index.html"));
        for (int i = 1; i < csv.size(); i++) {
            String[] row = csv.get(i).split(",");
            int sent = Integer.parseInt(row[header.indexOf("sent")]);
            int ok = Integer.parseInt(row[header.indexOf("ok")]);
            int lost = Integer.parseInt(row[header.indexOf("lost")]);
            double offered = Double.parseDouble(row[header.indexOf("offered/s")]);
            assertThat(sent).isEqualTo((int) Math.floor(offered * STEP_SECONDS));
            assertThat(ok + lost).isEqualTo(sent);
            assertThat(Double.parseDouble(row[header.indexOf("loss %")])).isCloseTo(100.0 * lost / sent,
                    within(0.006));
            assertThat(Double.parseDouble(row[header.indexOf("throughput/s")])).isCloseTo(ok / (double) STEP_SECONDS,
                    within(0.06));
            double p50 = Double.parseDouble(row[header.indexOf("p50 ms")]);
            double p90 = Double.parseDouble(row[header.indexOf("p90 ms")]);
            double p99 = Double.parseDouble(row[header.indexOf("p99 ms")]);
            assertThat(p50).isLessThanOrEqualTo(p90);
            assertThat(p90).isLessThanOrEqualTo(p99);
            if (ok > 0) {
                assertThat(p50).as("at least the service time").isGreaterThanOrEqualTo(20);
            }
            assertThat(md).contains("| " + String.join(" | ", row) + " |");
            assertThat(html).contains("<td>" + row[0] + "</td><td>" + row[1] + "</td><td>" + row[2] + "</td>");
            assertThat(terminal).contains(row[0]);
        }
        DemoResult.Step single = result.steps().get(1);
        DemoResult.Step cluster = result.steps().get(3);
        assertThat(single.config()).isEqualTo("single");
        assertThat(cluster.config()).isEqualTo("2 servers");
        assertThat(single.factor()).isEqualTo(cluster.factor()).isEqualTo(2.0);
        assertThat(cluster.summary().throughput()).as("two servers serve more than one at twice its capacity")
                .isGreaterThan(1.4 * single.summary().throughput());
        assertThat(cluster.cpuPercent()).containsKeys("director", "backup", "rs1", "rs2", "loader");

        // the redundancy test: every moment happened in order, and the figures add up
        List<String> kinds = result.redundancy().marks().stream().map(DemoResult.Mark::kind).toList();
        assertThat(kinds).containsExactlyInAnyOrder("kill-rs", "rs-down", "restart-rs", "rs-up", "kill-master",
                "backup-master", "takeover", "restart-master", "preempt");
        assertThat(kinds.indexOf("kill-rs")).isLessThan(kinds.indexOf("rs-down"));
        assertThat(kinds.indexOf("kill-master")).isLessThan(kinds.indexOf("backup-master"));
        assertThat(kinds.indexOf("backup-master")).isLessThanOrEqualTo(kinds.indexOf("takeover"));
        RedundancyFigures r = analysis.redundancy();
        assertThat(r.detectionMillis()).isBetween(0L, 5000L);
        // the backup takes over because the master's adverts stopped for the master down interval (3 adverts and
        // the skew, timed on a fake clock in VrrpInstanceTest): its reason, not a lower bound on the time from the
        // kill, which a master whose last advert was late (a loaded runner) shortens
        assertThat(lastBackupMasterLine(out)).endsWith(" role MASTER master down interval expired");
        assertThat(r.takeoverMillis()).as("the backup takes over after about 3 adverts").isBetween(0L, 5000L);
        assertThat(r.clientTakeoverMillis()).isBetween(0L, 5000L);
        LoadRecords rec = result.redundancy().records();
        assertThat(RedundancyFigures.total(r.overall())).isEqualTo(rec.sent()).isEqualTo(PLAN_END_SECONDS * 200);
        assertThat(r.overall().get(Outcome.OK)).as("the service stayed up most of the time")
                .isGreaterThan(rec.sent() * 8 / 10);
        assertThat(r.lostAfterTakeover()).isLessThanOrEqualTo(RedundancyFigures.total(r.directorWindow())
                - r.directorWindow().get(Outcome.OK));
        assertThat(md).contains("director kill: takeover ms (backup MASTER) | " + r.takeoverMillis() + " |");
        assertThat(r.servingMillis()).isGreaterThanOrEqualTo(r.takeoverMillis());
        assertThat(analysis.findings()).hasSize(6);
        assertThat(progress.toString()).contains("kill -9 rs2", "kill -9 the master director");
    }

    /** The redundancy test's backup (the last backup started): its last MASTER event line, from its log. */
    private static String lastBackupMasterLine(Path out) throws IOException {
        Path backup;
        try (Stream<Path> logs = Files.list(out.resolve("run/logs"))) {
            backup = logs.filter(p -> p.getFileName().toString().matches("backup-\\d+rs\\d+\\.log"))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(
                            p.getFileName().toString().replaceAll("backup-\\d+rs(\\d+)\\.log", "$1"))))
                    .orElseThrow();
        }
        List<String> masters = Files.readAllLines(backup).stream()
                .filter(l -> l.matches("event \\S+ role MASTER .*")).toList();
        assertThat(masters).as(backup.toString()).isNotEmpty();
        return masters.get(masters.size() - 1);
    }
}
