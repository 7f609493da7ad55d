package io.lvs4j.examples.demo.report;

import io.lvs4j.examples.demo.DemoResult.Mark;
import io.lvs4j.examples.demo.DemoResult.Step;
import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import io.lvs4j.examples.demo.LoadRecords;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The {@link Chart}s as PNG images (JFreeChart), drawn headless. */
public final class ChartImages {

    /** Width of every chart, pixels. */
    private static final int WIDTH = 900;
    /** Height of every chart, pixels. */
    private static final int HEIGHT = 480;
    /** The time-line's bin, milliseconds. */
    static final int BIN_MILLIS = 100;

    private ChartImages() {
    }

    /** Draws every chart into {@code out/charts/}, creating the folder. Sets {@code java.awt.headless}. */
    public static void write(Analysis analysis, Path out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Files.createDirectories(out.resolve("charts"));
        Map<String, List<Step>> byConfig = new LinkedHashMap<>();
        List<Step> steps = analysis.result().steps();
        steps.forEach(s -> byConfig.computeIfAbsent(s.config(), k -> new ArrayList<>()).add(s));
        save(dir, Chart.THROUGHPUT, xy("Throughput", "offered requests/s", "successful requests/s", byConfig,
                s -> s.summary().throughput(), steps));
        save(dir, Chart.LOSS, xy("Request loss", "offered requests/s", "loss %", byConfig,
                s -> s.summary().lossPercent(), List.of()));
        save(dir, Chart.LATENCY, xy("p99 response time (successful requests)", "offered requests/s", "p99 ms",
                byConfig, s -> s.summary().p99Ms(), List.of()));
        Step chosen = chosen(analysis.steps(Analysis.SINGLE));
        DefaultCategoryDataset pct = new DefaultCategoryDataset();
        DefaultCategoryDataset cpu = new DefaultCategoryDataset();
        for (Map.Entry<String, List<Step>> e : byConfig.entrySet()) {
            Step s = Analysis.match(e.getValue(), chosen.factor());
            pct.addValue(s.summary().meanMs(), e.getKey(), "mean");
            pct.addValue(s.summary().p50Ms(), e.getKey(), "p50");
            pct.addValue(s.summary().p90Ms(), e.getKey(), "p90");
            pct.addValue(s.summary().p99Ms(), e.getKey(), "p99");
        }
        for (String p : analysis.processes()) {
            for (Map.Entry<String, List<Step>> e : byConfig.entrySet()) {
                Double v = Analysis.match(e.getValue(), chosen.factor()).cpuPercent().get(p);
                if (v != null && v >= 0) {
                    cpu.addValue(v, e.getKey(), p);
                }
            }
        }
        String at = String.format(Locale.ROOT, " at %.0f requests/s offered", chosen.summary().offered());
        save(dir, Chart.PERCENTILES, ChartFactory.createBarChart("Response time (successful requests)" + at, "",
                "ms", pct, PlotOrientation.VERTICAL, true, false, false));
        save(dir, Chart.CPU, ChartFactory.createBarChart("CPU use" + at, "process", "% of one core", cpu,
                PlotOrientation.VERTICAL, true, false, false));
        save(dir, Chart.TIMELINE, timeline(analysis));
    }

    /** The step whose bars the CPU and percentile charts show: 2x a server's capacity when run, else the largest. */
    private static Step chosen(List<Step> single) {
        return single.stream().filter(s -> s.factor() == 2.0).findFirst().orElse(single.get(single.size() - 1));
    }

    /** One line per configuration; with {@code offered} steps, a dashed grey line of the offered load too. */
    private static JFreeChart xy(String title, String x, String y, Map<String, List<Step>> byConfig,
            ToDoubleFunction<Step> value, List<Step> offered) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<Step>> e : byConfig.entrySet()) {
            XYSeries series = new XYSeries(e.getKey());
            e.getValue().forEach(s -> series.add(s.summary().offered(), value.applyAsDouble(s)));
            data.addSeries(series);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        if (!offered.isEmpty()) {
            XYSeries line = new XYSeries("offered");
            offered.forEach(s -> line.addOrUpdate(s.summary().offered(), s.summary().offered()));
            data.addSeries(line);
            renderer.setSeriesPaint(data.getSeriesCount() - 1, Color.GRAY);
            renderer.setSeriesStroke(data.getSeriesCount() - 1, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data);
        chart.getXYPlot().setRenderer(renderer);
        return chart;
    }

    /** Successful and failed requests per second by arrival, with a line at each mark. */
    private static JFreeChart timeline(Analysis analysis) {
        LoadRecords rec = analysis.result().redundancy().records();
        long start = rec.startEpochMicros();
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
        XYSeries ok = new XYSeries("successful requests/s");
        XYSeries failed = new XYSeries("failed requests/s");
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
        List<Mark> marks = analysis.result().redundancy().marks();
        long backupMaster = RedundancyFigures.mark(marks, "backup-master");
        for (Mark m : marks) {
            if (m.kind().equals("takeover") && m.epochMicros() - backupMaster < 50_000) {
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
            marker.setLabelOffset(new RectangleInsets(4 + 14 * row, 2, 2, 2));
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 200));
            row = (row + 1) % 4;
            plot.addDomainMarker(marker);
        }
        return chart;
    }

    private static void save(Path dir, Chart which, JFreeChart chart) throws IOException {
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof CategoryPlot cat) {
            cat.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        ChartUtils.saveChartAsPNG(dir.resolve(which.file()).toFile(), chart, WIDTH, HEIGHT);
    }
}
