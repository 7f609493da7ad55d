package io.lvs4j.examples.demo.report;

import java.util.List;

/** What {@code lvs4j demo} prints at the end: the tables aligned in columns, the findings and the report's path. */
public final class TerminalReport {

    private TerminalReport() {
    }

    /** The text, ending with a newline. */
    public static String render(Analysis analysis) {
        StringBuilder b = new StringBuilder();
        b.append("\nMachine: ").append(ReportTables.machine(analysis.result())).append("\n\nPerformance\n");
        b.append(text(ReportTables.performance(analysis)));
        b.append("\nRedundancy\n").append(text(ReportTables.marks(analysis)))
                .append(text(ReportTables.redundancy(analysis)));
        b.append("\nFindings of the study against this run\n");
        for (Finding f : analysis.findings()) {
            b.append("- ").append(f.study()).append(' ')
                    .append(f.holds() ? "Same direction. " : "NOT the same direction. ").append(f.measured())
                    .append(" [").append(ReportTables.target(f.target())).append("]\n");
        }
        b.append("\nReport: ").append(analysis.result().settings().out().resolve("index.html").toAbsolutePath())
                .append('\n');
        return b.toString();
    }

    /** The first column left-aligned, the others right-aligned, two spaces apart. */
    private static String text(Table table) {
        List<String> header = table.header();
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> row : table.rows()) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, header, width);
        table.rows().forEach(row -> line(b, row, width));
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            b.append(i == 0 ? String.format("%-" + width[i] + "s", cell) : String.format("  %" + width[i] + "s", cell));
        }
        b.append('\n');
    }
}
