package io.lvs4j.examples.demo.report;

import io.lvs4j.examples.demo.DemoResult;
import io.lvs4j.examples.demo.DemoResult.Mark;
import io.lvs4j.examples.demo.DemoResult.Step;
import io.lvs4j.examples.demo.DemoSettings;
import io.lvs4j.examples.demo.Summary;
import io.lvs4j.examples.demo.report.Finding.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The tables and sentences that every text renderer shows, formatted once from an {@link Analysis}. */
final class ReportTables {

    private ReportTables() {
    }

    /** One row per step: the clients' figures, then each process's CPU use. */
    static Table performance(Analysis analysis) {
        List<String> header = new ArrayList<>(List.of("configuration", "offered/s", "sent", "ok", "lost", "loss %",
                "throughput/s", "mean ms", "p50 ms", "p90 ms", "p99 ms"));
        List<String> processes = analysis.processes();
        processes.forEach(p -> header.add("cpu " + p + " %"));
        List<List<String>> rows = new ArrayList<>();
        for (Step s : analysis.result().steps()) {
            Summary m = s.summary();
            List<String> row = new ArrayList<>(List.of(s.config(), f0(m.offered()), Integer.toString(m.sent()),
                    Integer.toString(m.ok()), Integer.toString(m.lost()), f2(m.lossPercent()), f1(m.throughput()),
                    f1(m.meanMs()), f1(m.p50Ms()), f1(m.p90Ms()), f1(m.p99Ms())));
            for (String p : processes) {
                Double v = s.cpuPercent().get(p);
                row.add(v == null ? "" : v < 0 ? "n/a" : f1(v));
            }
            rows.add(row);
        }
        return new Table(header, rows);
    }

    /** The redundancy test's figures, one per row. */
    static Table redundancy(Analysis analysis) {
        RedundancyFigures r = analysis.redundancy();
        return new Table(List.of("measure", "value"), List.of(
                List.of("real-server kill: requests in window",
                        Integer.toString(RedundancyFigures.total(r.rsWindow()))),
                List.of("real-server kill: lost", RedundancyFigures.lost(r.rsWindow()) + " " + r.rsWindow()),
                List.of("real-server kill: availability %", f2(r.rsAvailability())),
                List.of("real-server kill: detection ms (kill to DOWN)", Long.toString(r.detectionMillis())),
                List.of("director kill: requests in window",
                        Integer.toString(RedundancyFigures.total(r.directorWindow()))),
                List.of("director kill: lost", RedundancyFigures.lost(r.directorWindow()) + " " + r.directorWindow()),
                List.of("director kill: availability %", f2(r.directorAvailability())),
                List.of("director kill: takeover ms (backup MASTER)", Long.toString(r.takeoverMillis())),
                List.of("director kill: takeover ms (backup serving)", Long.toString(r.servingMillis())),
                List.of("director kill: takeover ms seen by clients", Long.toString(r.clientTakeoverMillis())),
                List.of("director kill: lost after takeover", Integer.toString(r.lostAfterTakeover())),
                List.of("master restart (preemption): lost", RedundancyFigures.lost(r.preemptWindow()) + " of "
                        + RedundancyFigures.total(r.preemptWindow()) + " " + r.preemptWindow()),
                List.of("whole test: availability %", f2(RedundancyFigures.availability(r.overall())))));
    }

    /** The redundancy test's moments, seconds from the start of its load. */
    static Table marks(Analysis analysis) {
        DemoResult.Redundancy test = analysis.result().redundancy();
        long start = test.records().startEpochMicros();
        List<List<String>> rows = new ArrayList<>();
        for (Mark m : test.marks()) {
            rows.add(List.of(String.format(Locale.ROOT, "%.3f", (m.epochMicros() - start) / 1e6), m.label()));
        }
        return new Table(List.of("time s", "moment"), rows);
    }

    /** One row per finding. */
    static Table findings(Analysis analysis) {
        List<List<String>> rows = new ArrayList<>();
        for (Finding f : analysis.findings()) {
            rows.add(List.of(f.study(), f.measured(), f.holds() ? "yes" : "no", target(f.target())));
        }
        return new Table(List.of("the study found", "this run measured", "same direction", "target"), rows);
    }

    /** A finding's target and whether it was met, e.g. {@code availability >= 99.5%: met}. */
    static String target(@Nullable Target target) {
        return target == null ? "(no target)" : target.goal() + ": " + (target.met() ? "met" : "missed");
    }

    /** The run's parameters in one paragraph. */
    static String settings(DemoResult result) {
        DemoSettings s = result.settings();
        DemoSettings.Plan p = s.plan();
        return String.format(Locale.ROOT, "Mode %s. Each real server: %d workers x %d ms of simulated work (a timer, "
                        + "not CPU, so that servers on one host behave like separate machines), queue %d, overflow "
                        + "answered 503: capacity %.0f requests/s. Offered loads %s x that capacity, %d s each after "
                        + "%d s of warm-up per configuration; one new connection per request; request timeout %d ms; "
                        + "response times from each request's due time (open loop). Directors: wlc, HTTP checks "
                        + "of /health every %d ms, slow start %d s, VRRP-style failover with HMAC-SHA256 adverts every "
                        + "%d ms, master priority 150, backup 100, preemption on. Redundancy test: %.1fx load over %d "
                        + "real servers for %d s. Every process is its own JVM on loopback. Run time %d s.",
                s.mode(), s.workers(), s.serviceTime().toMillis(), s.queue(), s.capacity(), s.loadFactors(),
                s.step().toSeconds(), s.warmup().toSeconds(), s.timeout().toMillis(), s.checkInterval().toMillis(),
                s.slowStart().toSeconds(), s.advert().toMillis(), p.loadFactor(), p.realServers(),
                p.end().toSeconds(), result.elapsed().toSeconds());
    }

    /** The machine in one line: CPU, cores, memory, OS, Java. */
    static String machine(DemoResult result) {
        Map<String, String> m = result.machine();
        return m.get("cpu") + ", " + m.get("cores") + " cores, " + m.get("memory") + ", " + m.get("os") + ", "
                + m.get("java");
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
