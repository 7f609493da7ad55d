package io.lvs4j.examples.demo.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the whole report of a run into its folder ({@code DemoSettings.out()}): the charts, {@code results.csv},
 * {@code report.md} and {@code index.html}.
 */
public final class Report {

    private Report() {
    }

    /**
     * Writes every file of the report, replacing those of an earlier run.
     *
     * @return what to print on the terminal
     * @throws UncheckedIOException naming the folder when a file cannot be written
     */
    public static String write(Analysis analysis) {
        Path out = analysis.result().settings().out();
        try {
            Files.createDirectories(out);
            ChartImages.write(analysis, out);
            Files.writeString(out.resolve("results.csv"), CsvReport.render(analysis), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("report.md"), MarkdownReport.render(analysis), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("index.html"), HtmlReport.render(analysis), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + out, e);
        }
        return TerminalReport.render(analysis);
    }
}
