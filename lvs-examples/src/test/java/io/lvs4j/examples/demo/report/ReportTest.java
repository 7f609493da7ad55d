package io.lvs4j.examples.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.examples.demo.SampleResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report folder: every renderer's output in its file, and every chart a PNG. */
class ReportTest {

    @Test
    void writesEveryFileAndReturnsTheTerminalText(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        Analysis a = Analysis.of(SampleResults.holding(out));

        String terminal = Report.write(a);

        assertThat(terminal).isEqualTo(TerminalReport.render(a));
        assertThat(out.resolve("report.md")).hasContent(MarkdownReport.render(a));
        assertThat(out.resolve("index.html")).hasContent(HtmlReport.render(a));
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + a.result().steps().size());
        assertThat(csv.get(0)).startsWith("configuration,offered/s,sent,ok,lost,loss %,");
        assertThat(csv.get(6)).isEqualTo("3 servers,600,1200,1152,48,4.00,576.0,80.0,80.0,90.0,100.0,90.0,n/a,28.0,"
                + "29.0,30.0,30.0");
        for (Chart c : Chart.values()) {
            byte[] png = Files.readAllBytes(out.resolve("charts").resolve(c.file()));
            assertThat(png).as(c.file()).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
        }
    }
}
