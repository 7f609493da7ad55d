package io.lvs4j.examples.demo.report;

import java.util.List;

/** {@code index.html}: what {@code report.md} says, with the charts next to their tables. */
public final class HtmlReport {

    private static final String HEAD = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>lvs4j reference experiment</title>
            <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\
            table{border-collapse:collapse;margin:1em 0;font-size:0.9em}\
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}\
            img{max-width:100%;border:1px solid #eee;margin:0.5em 0}</style></head><body>
            <h1>lvs4j reference experiment</h1>
            """;

    private HtmlReport() {
    }

    /** The HTML page. */
    public static String render(Analysis analysis) {
        StringBuilder b = new StringBuilder(HEAD);
        b.append("<p><b>Machine:</b> ").append(escape(ReportTables.machine(analysis.result()))).append("</p>\n<p>")
                .append(escape(ReportTables.settings(analysis.result()))).append("</p>\n");
        b.append("<h2>Findings of the study against this run</h2>\n").append(table(ReportTables.findings(analysis)));
        b.append("<h2>Performance</h2>\n");
        for (Chart c : List.of(Chart.THROUGHPUT, Chart.LOSS, Chart.LATENCY, Chart.PERCENTILES, Chart.CPU)) {
            b.append("<h3>").append(c.caption()).append("</h3>").append(image(c)).append('\n');
        }
        b.append(table(ReportTables.performance(analysis)))
                .append("<p>CPU is percent of one core from /proc/PID/stat over each step.</p>\n");
        b.append("<h2>Redundancy</h2>\n").append(image(Chart.TIMELINE)).append('\n')
                .append(table(ReportTables.marks(analysis))).append(table(ReportTables.redundancy(analysis)));
        return b.append("</body></html>\n").toString();
    }

    private static String image(Chart chart) {
        return "<img src=\"" + chart.path() + "\" alt=\"" + chart.caption() + "\">";
    }

    private static String table(Table table) {
        StringBuilder b = new StringBuilder("<table>\n<tr>");
        table.header().forEach(h -> b.append("<th>").append(escape(h)).append("</th>"));
        b.append("</tr>\n");
        for (List<String> row : table.rows()) {
            b.append("<tr>");
            row.forEach(c -> b.append("<td>").append(escape(c)).append("</td>"));
            b.append("</tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
