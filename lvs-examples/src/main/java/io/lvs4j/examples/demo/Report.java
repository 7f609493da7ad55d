package io.lvs4j.examples.demo;

import io.lvs4j.examples.demo.DemoResult.Mark;
import io.lvs4j.examples.demo.DemoResult.Step;
import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Turns a {@link DemoResult} into findings, terminal tables, {@code index.html}, {@code report.md},
 * {@code results.csv} and the charts (JFreeChart, PNG) in the report folder.
 */
public final class Report {

    /** Width of every chart, pixels. */
    private static final int WIDTH = 900;
    /** Height of every chart, pixels. */
    private static final int HEIGHT = 480;
    /** The time-line's bin, milliseconds. */
    static final int BIN_MILLIS = 100;
    /** How far before a kill the availability windows start, milliseconds. */
    static final long BEFORE_KILL_MILLIS = 1000;

    private final DemoResult result;
    private final Redundancy redundancy;
    private final List<Finding> findings;

    /** A finding of the study, set against what this run measured. */
    public record Finding(String study, String measured, boolean sameDirection, String target) {
    }

    /**
     * The redundancy test's figures.
     *
     * @param rsWindow requests sent from 1 s before the real-server kill until its restart
     * @param rsAvailability successful share of those, percent
     * @param detectionMillis kill to DOWN, as the director logged it
     * @param directorWindow requests sent from 1 s before the master's kill until its restart
     * @param directorAvailability successful share of those, percent
     * @param takeoverMillis kill to the backup becoming MASTER, as the backup logged it
     * @param servingMillis kill to the backup serving (its listener bound: the takeover of the virtual address)
     * @param clientTakeoverMillis kill to the first success after the last failure, as the clients saw it
     * @param lostAfterTakeover failed requests that arrived after the backup served and before the master came
     *     back
     * @param preemptWindow requests sent from the master's restart to the end
     * @param overall the whole steady load
     */
    public record Redundancy(Map<Outcome, Integer> rsWindow, double rsAvailability, long detectionMillis,
            Map<Outcome, Integer> directorWindow, double directorAvailability, long takeoverMillis,
            long servingMillis, long clientTakeoverMillis, int lostAfterTakeover, Map<Outcome, Integer> preemptWindow,
            Map<Outcome, Integer> overall) {
    }

    /** Analyses a result. */
    public Report(DemoResult result) {
        this.result = result;
        this.redundancy = analyse(result.redundancy());
        this.findings = findings();
    }

    /** The redundancy figures. */
    public Redundancy redundancy() {
        return redundancy;
    }

    /** The findings, in the study's order. */
    public List<Finding> findingList() {
        return findings;
    }

    static long mark(List<Mark> marks, String kind) {
        for (Mark m : marks) {
            if (m.kind().equals(kind)) {
                return m.epochMicros();
            }
        }
        throw new IllegalArgumentException("no '" + kind + "' mark in " + marks);
    }

    static int sum(Map<Outcome, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    static double availability(Map<Outcome, Integer> counts) {
        int sent = sum(counts);
        return sent == 0 ? 100 : 100.0 * counts.get(Outcome.OK) / sent;
    }

    private static Redundancy analyse(DemoResult.Redundancy r) {
        LoadRecords rec = r.records();
        List<Mark> marks = r.marks();
        long killRs = mark(marks, "kill-rs");
        long restartRs = mark(marks, "restart-rs");
        long killMaster = mark(marks, "kill-master");
        long master = mark(marks, "backup-master");
        long takeover = mark(marks, "takeover");
        long restartMaster = mark(marks, "restart-master");
        long before = BEFORE_KILL_MILLIS * 1000;
        Map<Outcome, Integer> rsWindow = rec.counts(killRs - before, restartRs);
        Map<Outcome, Integer> dWindow = rec.counts(killMaster - before, restartMaster);
        // times are when each request reached the director (sent), not when it was due: a busy load generator
        // may send late, and a late request did not arrive during the outage
        long lastFailure = Long.MIN_VALUE;
        int lostAfter = 0;
        for (int i = 0; i < rec.sent(); i++) {
            long sent = rec.sentEpochMicros(i);
            if (rec.outcome(i) != Outcome.OK && sent >= killMaster && sent < restartMaster) {
                lastFailure = Math.max(lastFailure, sent);
                if (sent >= takeover) {
                    lostAfter++;
                }
            }
        }
        long resumed = killMaster;
        if (lastFailure != Long.MIN_VALUE) {
            resumed = Long.MAX_VALUE;
            for (int i = 0; i < rec.sent(); i++) {
                long sent = rec.sentEpochMicros(i);
                if (sent > lastFailure && rec.outcome(i) == Outcome.OK) {
                    resumed = Math.min(resumed, sent);
                }
            }
        }
        return new Redundancy(rsWindow, availability(rsWindow), (mark(marks, "rs-down") - killRs) / 1000, dWindow,
                availability(dWindow), (master - killMaster) / 1000, (takeover - killMaster) / 1000,
                resumed == Long.MAX_VALUE ? -1 : (resumed - killMaster) / 1000, lostAfter,
                rec.counts(restartMaster, Long.MAX_VALUE), rec.counts());
    }

    /** The configuration compared with the single server: 3 servers when run, else the largest cluster. */
    String cluster() {
        List<Integer> sizes = result.settings().clusterSizes();
        int n = sizes.contains(3) ? 3 : sizes.stream().mapToInt(Integer::intValue).max().orElse(3);
        return n + " servers";
    }

    List<Step> steps(String config) {
        return result.steps().stream().filter(s -> s.config().equals(config)).toList();
    }

    private static boolean saturated(Step single) {
        Summary s = single.summary();
        return s.lossPercent() > 1 || s.throughput() < 0.97 * s.offered();
    }

    private List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        List<Step> single = steps("single");
        List<Step> cluster = steps(cluster());
        String name = cluster();
        if (!single.isEmpty() && !cluster.isEmpty()) {
            Step s1 = single.get(single.size() - 1);
            Step c1 = match(cluster, s1.factor());
            double ratio = c1.summary().throughput() / Math.max(1e-9, s1.summary().throughput());
            out.add(new Finding("The cluster serves more requests: higher throughput.",
                    String.format(Locale.ROOT, "At %.0f requests/s offered, %s served %.1f/s against %.1f/s by one "
                                    + "server: %.2fx.", s1.summary().offered(), name, c1.summary().throughput(),
                            s1.summary().throughput(), ratio), ratio > 1,
                    String.format(Locale.ROOT, "3 servers >= 2.7x at the same overload: %s", ratio >= 2.7 ? "met"
                            : "missed")));
            int loads = 0;
            int lowerLoss = 0;
            int lowerP99 = 0;
            int lowerMean = 0;
            int spare = 0;
            int lowerP99Spare = 0;
            double clusterCapacity = Integer.parseInt(name.split(" ")[0]) * result.settings().capacity();
            StringBuilder detail = new StringBuilder();
            for (Step s : single) {
                if (!saturated(s)) {
                    continue;
                }
                Step c = match(cluster, s.factor());
                loads++;
                lowerLoss += c.summary().lossPercent() < s.summary().lossPercent() ? 1 : 0;
                lowerP99 += c.summary().p99Ms() < s.summary().p99Ms() ? 1 : 0;
                lowerMean += c.summary().meanMs() < s.summary().meanMs() ? 1 : 0;
                if (s.summary().offered() < clusterCapacity) {
                    spare++;
                    lowerP99Spare += c.summary().p99Ms() < s.summary().p99Ms() ? 1 : 0;
                }
                detail.append(String.format(Locale.ROOT, " %.0f/s: loss %.1f%% vs %.1f%%, p99 %.0f vs %.0f ms;",
                        s.summary().offered(), c.summary().lossPercent(), s.summary().lossPercent(),
                        c.summary().p99Ms(), s.summary().p99Ms()));
            }
            out.add(new Finding("Less request loss.", String.format(Locale.ROOT,
                    "Loss lower with %s at %d of the %d loads where one server saturates (cluster vs one server):%s",
                    name, lowerLoss, loads, detail), loads > 0 && lowerLoss == loads,
                    "loss lower at every load where one server saturates: " + (loads > 0 && lowerLoss == loads
                            ? "met" : "missed")));
            out.add(new Finding("Shorter response times.", String.format(Locale.ROOT,
                    "p99 lower at %d and mean lower at %d of those %d loads; p99 lower at %d of the %d where the "
                            + "cluster still had spare capacity (offered < %.0f/s). Where the cluster is itself at "
                            + "or past capacity every server's queue is full, so its successful requests wait as "
                            + "long as the single server's.", lowerP99, lowerMean, loads, lowerP99Spare, spare,
                    clusterCapacity), loads > 0 && lowerMean == loads,
                    "p99 lower at every load where one server saturates: " + (loads > 0 && lowerP99 == loads
                            ? "met" : "missed")));
            Step cs = single.stream().filter(s -> !saturated(s)).reduce((a, b) -> b).orElse(single.get(0));
            Step cc = match(cluster, cs.factor());
            double busiest = cc.cpuPercent().entrySet().stream().filter(e -> e.getKey().startsWith("rs"))
                    .mapToDouble(Map.Entry::getValue).max().orElse(-1);
            double one = cs.cpuPercent().getOrDefault("rs1", -1.0);
            double mean = cc.cpuPercent().entrySet().stream().filter(e -> e.getKey().startsWith("rs"))
                    .mapToDouble(Map.Entry::getValue).average().orElse(-1);
            out.add(new Finding("The cluster spreads the CPU load.", String.format(Locale.ROOT,
                    "At %.0f requests/s (the most one server serves without saturating): the busiest real server of "
                            + "%s used %.1f%% of a core (their mean %.1f%%), the single server %.1f%%; the director "
                            + "%.1f%%.", cs.summary().offered(), name, busiest, mean, one,
                    cc.cpuPercent().getOrDefault("director", -1.0)), busiest >= 0 && busiest < one,
                    "(no target)"));
        }
        Redundancy r = redundancy;
        out.add(new Finding("The service stays available when a real server fails.", String.format(Locale.ROOT,
                "Availability %.2f%% of %d requests from 1 s before the kill to the restart; DOWN %d ms after "
                        + "the kill (checks every %d ms).", r.rsAvailability(), sum(r.rsWindow()),
                r.detectionMillis(), result.settings().checkInterval().toMillis()),
                r.rsAvailability() >= 99.0, // the service stayed up; the target below is stricter
                "availability >= 99.5%: " + (r.rsAvailability() >= 99.5 ? "met" : "missed")));
        boolean fast = r.clientTakeoverMillis() >= 0 && r.clientTakeoverMillis() <= 500;
        out.add(new Finding("The service stays available when the active director fails: the standby takes over.",
                String.format(Locale.ROOT, "Clients were served again %d ms after kill -9 of the master (the backup "
                                + "became MASTER at %d ms and served at %d ms); %d requests lost that arrived after "
                                + "it served; availability %.2f%% from 1 s before the kill to the master's restart.",
                        r.clientTakeoverMillis(), r.takeoverMillis(), r.servingMillis(), r.lostAfterTakeover(),
                        r.directorAvailability()),
                r.clientTakeoverMillis() >= 0,
                "takeover <= 0.5 s with 100 ms adverts and no loss after it: "
                        + (fast && r.lostAfterTakeover() == 0 ? "met" : "missed")));
        return out;
    }

    private static Step match(List<Step> steps, double factor) {
        return steps.stream().filter(s -> s.factor() == factor).findFirst().orElseThrow(() ->
                new IllegalStateException("no step at " + factor + "x in " + steps));
    }

    /** The step whose bars the CPU and percentile charts show: 2x a server's capacity when run, else the largest. */
    private Step chosen(List<Step> single) {
        return single.stream().filter(s -> s.factor() == 2.0).findFirst().orElse(single.get(single.size() - 1));
    }

    /** Writes everything into the report folder and returns the terminal's tables. */
    public String write() {
        Path out = result.settings().out();
        try {
            Files.createDirectories(out);
            System.setProperty("java.awt.headless", "true");
            charts(out);
            Files.writeString(out.resolve("results.csv"), csv(), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("index.html"), html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + out, e);
        }
        return terminal();
    }

    // ---------------------------------------------------------------- tables

    private List<String> processes() {
        Set<String> names = new LinkedHashSet<>();
        result.steps().forEach(s -> names.addAll(s.cpuPercent().keySet()));
        List<String> ordered = new ArrayList<>();
        for (String n : List.of("director", "backup")) {
            if (names.remove(n)) {
                ordered.add(n);
            }
        }
        names.stream().filter(n -> n.startsWith("rs")).sorted().forEach(ordered::add);
        names.stream().filter(n -> !n.startsWith("rs")).forEach(ordered::add);
        return ordered;
    }

    /** The performance table: header and one row per step. */
    List<List<String>> performanceTable() {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("configuration", "offered/s", "sent", "ok", "lost", "loss %",
                "throughput/s", "mean ms", "p50 ms", "p90 ms", "p99 ms"));
        List<String> procs = processes();
        procs.forEach(p -> header.add("cpu " + p + " %"));
        rows.add(header);
        for (Step s : result.steps()) {
            Summary m = s.summary();
            List<String> row = new ArrayList<>(List.of(s.config(), f0(m.offered()), Integer.toString(m.sent()),
                    Integer.toString(m.ok()), Integer.toString(m.lost()), f2(m.lossPercent()), f1(m.throughput()),
                    f1(m.meanMs()), f1(m.p50Ms()), f1(m.p90Ms()), f1(m.p99Ms())));
            for (String p : procs) {
                Double v = s.cpuPercent().get(p);
                row.add(v == null ? "" : v < 0 ? "n/a" : f1(v));
            }
            rows.add(row);
        }
        return rows;
    }

    private List<List<String>> redundancyTable() {
        Redundancy r = redundancy;
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("measure", "value"));
        rows.add(List.of("real-server kill: requests in window", Integer.toString(sum(r.rsWindow()))));
        rows.add(List.of("real-server kill: lost", Integer.toString(sum(r.rsWindow()) - r.rsWindow().get(Outcome.OK))
                + " " + r.rsWindow()));
        rows.add(List.of("real-server kill: availability %", f2(r.rsAvailability())));
        rows.add(List.of("real-server kill: detection ms (kill to DOWN)", Long.toString(r.detectionMillis())));
        rows.add(List.of("director kill: requests in window", Integer.toString(sum(r.directorWindow()))));
        rows.add(List.of("director kill: lost", Integer.toString(sum(r.directorWindow())
                - r.directorWindow().get(Outcome.OK)) + " " + r.directorWindow()));
        rows.add(List.of("director kill: availability %", f2(r.directorAvailability())));
        rows.add(List.of("director kill: takeover ms (backup MASTER)", Long.toString(r.takeoverMillis())));
        rows.add(List.of("director kill: takeover ms (backup serving)", Long.toString(r.servingMillis())));
        rows.add(List.of("director kill: takeover ms seen by clients", Long.toString(r.clientTakeoverMillis())));
        rows.add(List.of("director kill: lost after takeover", Integer.toString(r.lostAfterTakeover())));
        rows.add(List.of("master restart (preemption): lost", Integer.toString(sum(r.preemptWindow())
                - r.preemptWindow().get(Outcome.OK)) + " of " + sum(r.preemptWindow()) + " " + r.preemptWindow()));
        rows.add(List.of("whole test: availability %", f2(availability(r.overall()))));
        return rows;
    }

    private List<List<String>> findingTable() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("the study found", "this run measured", "same direction", "target"));
        for (Finding f : findings) {
            rows.add(List.of(f.study(), f.measured().trim(), f.sameDirection() ? "yes" : "no", f.target()));
        }
        return rows;
    }

    private List<List<String>> marksTable() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("time s", "moment"));
        long start = result.redundancy().records().startEpochMicros();
        for (Mark m : result.redundancy().marks()) {
            rows.add(List.of(String.format(Locale.ROOT, "%.3f", (m.epochMicros() - start) / 1e6), m.label()));
        }
        return rows;
    }

    private String csv() {
        StringBuilder b = new StringBuilder();
        for (List<String> row : performanceTable()) {
            b.append(String.join(",", row)).append('\n');
        }
        return b.toString();
    }

    private String settingsText() {
        DemoSettings s = result.settings();
        DemoSettings.Plan p = s.plan();
        return String.format(Locale.ROOT, "Mode %s. Each real server: %d workers x %d ms of simulated work (a timer, "
                        + "not CPU, so that servers on one host behave like separate machines), queue %d, overflow "
                        + "answered 503: capacity %.0f requests/s. Offered loads %s x that capacity, %d s each after %d s "
                        + "of warm-up per configuration; one new connection per request; request timeout %d ms; "
                        + "response times from each request's due time (open loop). Directors: wlc, HTTP checks "
                        + "of /health every %d ms, slow start %d s, VRRP-style failover with HMAC-SHA256 adverts every "
                        + "%d ms, master priority 150, backup 100, preemption on. Redundancy test: %.1fx load over %d "
                        + "real servers for %d s. Every process is its own JVM on loopback. Run time %d s.",
                s.mode(), s.workers(), s.serviceTime().toMillis(), s.queue(), s.capacity(), s.loadFactors(),
                s.step().toSeconds(), s.warmup().toSeconds(), s.timeout().toMillis(), s.checkInterval().toMillis(),
                s.slowStart().toSeconds(), s.advert().toMillis(), p.loadFactor(), p.realServers(),
                p.end().toSeconds(), result.elapsed().toSeconds());
    }

    private String machineText() {
        Map<String, String> m = result.machine();
        return m.get("cpu") + ", " + m.get("cores") + " cores, " + m.get("memory") + ", " + m.get("os") + ", "
                + m.get("java");
    }

    String terminal() {
        StringBuilder b = new StringBuilder();
        b.append("\nMachine: ").append(machineText()).append("\n\nPerformance\n");
        b.append(text(performanceTable()));
        b.append("\nRedundancy\n").append(text(marksTable())).append(text(redundancyTable()));
        b.append("\nFindings of the study against this run\n");
        for (Finding f : findings) {
            b.append("- ").append(f.study()).append(" ").append(f.sameDirection() ? "Same direction. " : "NOT the "
                    + "same direction. ").append(f.measured().trim()).append(" [").append(f.target()).append("]\n");
        }
        b.append("\nReport: ").append(result.settings().out().resolve("index.html").toAbsolutePath()).append('\n');
        return b.toString();
    }

    private static String text(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> row : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < cols; i++) {
                String cell = row.get(i);
                b.append(i == 0 ? String.format("%-" + width[i] + "s", cell) : String.format("  %" + width[i] + "s",
                        cell));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String markdownTable(List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", rows.get(0))).append(" |\n|");
        rows.get(0).forEach(h -> b.append("---|"));
        b.append('\n');
        for (List<String> row : rows.subList(1, rows.size())) {
            b.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "/")).toList()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String htmlTable(List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table>\n<tr>");
        rows.get(0).forEach(h -> b.append("<th>").append(escape(h)).append("</th>"));
        b.append("</tr>\n");
        for (List<String> row : rows.subList(1, rows.size())) {
            b.append("<tr>");
            row.forEach(c -> b.append("<td>").append(escape(c)).append("</td>"));
            b.append("</tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String[][] CHARTS = {
        {"throughput.png", "Throughput against offered load"},
        {"loss.png", "Request loss against offered load"},
        {"latency.png", "p99 response time against offered load"},
        {"percentiles.png", "Response-time percentiles at one overload"},
        {"cpu.png", "CPU use of each process at one overload"},
        {"timeline.png", "Redundancy test: requests per second, with the kills, detection and takeover marked"},
    };

    private String markdown() {
        StringBuilder b = new StringBuilder("# lvs4j reference experiment\n\n");
        b.append("Machine: ").append(machineText()).append("\n\n").append(settingsText()).append("\n\n");
        b.append("## Findings of the study against this run\n\n").append(markdownTable(findingTable()));
        b.append("\n## Performance\n\n").append(markdownTable(performanceTable()));
        b.append("\nCPU is percent of one core from /proc/PID/stat over each step.\n");
        b.append("\n## Redundancy\n\n").append(markdownTable(marksTable())).append('\n')
                .append(markdownTable(redundancyTable()));
        b.append("\n## Charts\n\n");
        for (String[] c : CHARTS) {
            b.append("![").append(c[1]).append("](charts/").append(c[0]).append(")\n\n");
        }
        return b.toString();
    }

    private String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>lvs4j reference experiment</title>\n<style>body{font-family:sans-serif;max-width:1100px;"
                + "margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0;"
                + "font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,"
                + "th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee;margin:0.5em 0}</style>"
                + "</head><body>\n<h1>lvs4j reference experiment</h1>\n");
        b.append("<p><b>Machine:</b> ").append(escape(machineText())).append("</p>\n<p>")
                .append(escape(settingsText())).append("</p>\n");
        b.append("<h2>Findings of the study against this run</h2>\n").append(htmlTable(findingTable()));
        b.append("<h2>Performance</h2>\n");
        for (String[] c : List.of(CHARTS[0], CHARTS[1], CHARTS[2], CHARTS[3], CHARTS[4])) {
            b.append("<h3>").append(c[1]).append("</h3><img src=\"charts/").append(c[0]).append("\" alt=\"")
                    .append(c[1]).append("\">\n");
        }
        b.append(htmlTable(performanceTable())).append("<p>CPU is percent of one core from /proc/PID/stat over "
                + "each step.</p>\n");
        b.append("<h2>Redundancy</h2>\n<img src=\"charts/timeline.png\" alt=\"").append(CHARTS[5][1]).append("\">\n")
                .append(htmlTable(marksTable())).append(htmlTable(redundancyTable()));
        return b.append("</body></html>\n").toString();
    }

    // ---------------------------------------------------------------- charts

    private void charts(Path out) throws IOException {
        Path dir = Files.createDirectories(out.resolve("charts"));
        Map<String, List<Step>> byConfig = new LinkedHashMap<>();
        result.steps().forEach(s -> byConfig.computeIfAbsent(s.config(), k -> new ArrayList<>()).add(s));
        save(dir, "throughput.png", xy("Throughput", "offered requests/s", "successful requests/s", byConfig,
                s -> s.summary().throughput(), true));
        save(dir, "loss.png", xy("Request loss", "offered requests/s", "loss %", byConfig,
                s -> s.summary().lossPercent(), false));
        save(dir, "latency.png", xy("p99 response time (successful requests)", "offered requests/s", "p99 ms",
                byConfig, s -> s.summary().p99Ms(), false));
        List<Step> single = steps("single");
        Step chosen = chosen(single);
        DefaultCategoryDataset pct = new DefaultCategoryDataset();
        DefaultCategoryDataset cpu = new DefaultCategoryDataset();
        for (Map.Entry<String, List<Step>> e : byConfig.entrySet()) {
            Step s = match(e.getValue(), chosen.factor());
            pct.addValue(s.summary().meanMs(), e.getKey(), "mean");
            pct.addValue(s.summary().p50Ms(), e.getKey(), "p50");
            pct.addValue(s.summary().p90Ms(), e.getKey(), "p90");
            pct.addValue(s.summary().p99Ms(), e.getKey(), "p99");
        }
        for (String p : processes()) { // processes in a fixed order: director, backup, rs1.., loader
            for (Map.Entry<String, List<Step>> e : byConfig.entrySet()) {
                Double v = match(e.getValue(), chosen.factor()).cpuPercent().get(p);
                if (v != null && v >= 0) {
                    cpu.addValue(v, e.getKey(), p);
                }
            }
        }
        String at = String.format(Locale.ROOT, " at %.0f requests/s offered", chosen.summary().offered());
        save(dir, "percentiles.png", ChartFactory.createBarChart("Response time (successful requests)" + at, "",
                "ms", pct, PlotOrientation.VERTICAL, true, false, false));
        save(dir, "cpu.png", ChartFactory.createBarChart("CPU use" + at, "process", "% of one core", cpu,
                PlotOrientation.VERTICAL, true, false, false));
        save(dir, "timeline.png", timeline());
    }

    private JFreeChart xy(String title, String x, String y, Map<String, List<Step>> byConfig,
            java.util.function.ToDoubleFunction<Step> value, boolean offeredLine) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<Step>> e : byConfig.entrySet()) {
            XYSeries series = new XYSeries(e.getKey());
            e.getValue().forEach(s -> series.add(s.summary().offered(), value.applyAsDouble(s)));
            data.addSeries(series);
        }
        if (offeredLine) {
            XYSeries offered = new XYSeries("offered");
            result.steps().forEach(s -> offered.addOrUpdate(s.summary().offered(), s.summary().offered()));
            data.addSeries(offered);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        if (offeredLine) {
            renderer.setSeriesPaint(data.getSeriesCount() - 1, Color.GRAY);
            renderer.setSeriesStroke(data.getSeriesCount() - 1, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
        }
        chart.getXYPlot().setRenderer(renderer);
        return chart;
    }

    private JFreeChart timeline() {
        LoadRecords rec = result.redundancy().records();
        long start = rec.startEpochMicros();
        XYSeries ok = new XYSeries("successful requests/s");
        XYSeries failed = new XYSeries("failed requests/s");
        long last = start;
        for (int i = 0; i < rec.sent(); i++) {
            last = Math.max(last, rec.sentEpochMicros(i));
        }
        int bins = (int) ((last - start) / (BIN_MILLIS * 1000L)) + 1;
        int[] okBins = new int[bins];
        int[] failBins = new int[bins];
        for (int i = 0; i < rec.sent(); i++) {
            int bin = (int) ((rec.sentEpochMicros(i) - start) / (BIN_MILLIS * 1000L));
            if (rec.outcome(i) == Outcome.OK) {
                okBins[bin]++;
            } else {
                failBins[bin]++;
            }
        }
        double perSecond = 1000.0 / BIN_MILLIS;
        for (int b = 0; b < bins; b++) {
            ok.add(b * BIN_MILLIS / 1000.0, okBins[b] * perSecond);
            failed.add(b * BIN_MILLIS / 1000.0, failBins[b] * perSecond);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(ok);
        data.addSeries(failed);
        JFreeChart chart = ChartFactory.createXYLineChart("Redundancy test (requests by arrival, "
                + BIN_MILLIS + " ms bins)", "seconds", "requests/s", data);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, new Color(0x2e7d32));
        renderer.setSeriesPaint(1, new Color(0xc62828));
        plot.setRenderer(renderer);
        int row = 0;
        List<Mark> marks = result.redundancy().marks();
        for (Mark m : marks) {
            if (m.kind().equals("takeover") && m.epochMicros() - mark(marks, "backup-master") < 50_000) {
                continue; // the backup served within 50 ms of becoming MASTER: one line says both
            }
            ValueMarker marker = new ValueMarker((m.epochMicros() - start) / 1e6);
            marker.setPaint(m.kind().startsWith("kill") ? Color.RED : m.kind().startsWith("restart") ? Color.BLUE
                    : Color.DARK_GRAY);
            marker.setStroke(new BasicStroke(1f));
            marker.setLabel(m.label());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            marker.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(4 + 14 * row, 2, 2, 2));
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 200));
            row = (row + 1) % 4;
            plot.addDomainMarker(marker);
        }
        return chart;
    }

    private static void save(Path dir, String name, JFreeChart chart) throws IOException {
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot cat) {
            cat.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, WIDTH, HEIGHT);
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
