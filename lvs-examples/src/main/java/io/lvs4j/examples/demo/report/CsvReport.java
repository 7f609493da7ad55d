package io.lvs4j.examples.demo.report;

/** {@code results.csv}: the performance table, one line per step after the header. */
public final class CsvReport {

    private CsvReport() {
    }

    /**
     * The CSV text. No cell holds a comma (configuration names are {@code single} and {@code N servers}, the others
     * are numbers), so none is quoted.
     */
    public static String render(Analysis analysis) {
        Table table = ReportTables.performance(analysis);
        StringBuilder b = new StringBuilder(String.join(",", table.header())).append('\n');
        table.rows().forEach(row -> b.append(String.join(",", row)).append('\n'));
        return b.toString();
    }
}
