package io.lvs4j.examples.demo.report;

import java.util.List;

/** {@code report.md}: the machine, the settings, the findings, the tables and links to the charts. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    /** The Markdown text. */
    public static String render(Analysis analysis) {
        StringBuilder b = new StringBuilder("# lvs4j reference experiment\n\n");
        b.append("Machine: ").append(ReportTables.machine(analysis.result())).append("\n\n")
                .append(ReportTables.settings(analysis.result())).append("\n\n");
        b.append("## Findings of the study against this run\n\n").append(table(ReportTables.findings(analysis)));
        b.append("\n## Performance\n\n").append(table(ReportTables.performance(analysis)));
        b.append("\nCPU is percent of one core from /proc/PID/stat over each step.\n");
        b.append("\n## Redundancy\n\n").append(table(ReportTables.marks(analysis))).append('\n')
                .append(table(ReportTables.redundancy(analysis)));
        b.append("\n## Charts\n\n");
        for (Chart c : Chart.values()) {
            b.append("![").append(c.caption()).append("](").append(c.path()).append(")\n\n");
        }
        return b.toString();
    }

    /** A pipe table; a {@code |} inside a cell becomes {@code /}. */
    private static String table(Table table) {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", table.header())).append(" |\n|");
        table.header().forEach(h -> b.append("---|"));
        b.append('\n');
        for (List<String> row : table.rows()) {
            b.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "/")).toList()))
                    .append(" |\n");
        }
        return b.toString();
    }
}
