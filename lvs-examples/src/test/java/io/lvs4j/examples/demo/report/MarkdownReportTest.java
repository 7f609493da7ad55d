package io.lvs4j.examples.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.examples.demo.DemoResult;
import io.lvs4j.examples.demo.SampleResults;
import io.lvs4j.examples.demo.report.Finding.Target;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code report.md}: every finding, step and figure of the analysis in its tables, and every chart linked. */
class MarkdownReportTest {

    private static final Path OUT = Path.of("unused");

    @Test
    void everyFindingHasItsRowWithItsVerdictAndTarget() {
        for (DemoResult result : List.of(SampleResults.holding(OUT), SampleResults.failing(OUT))) {
            Analysis a = Analysis.of(result);
            String md = MarkdownReport.render(a);

            assertThat(md).contains("| the study found | this run measured | same direction | target |\n"
                    + "|---|---|---|---|\n");
            for (Finding f : a.findings()) {
                assertThat(md).contains("| " + f.study() + " | " + f.measured() + " | " + (f.holds() ? "yes" : "no")
                        + " | " + ReportTables.target(f.target()) + " |\n");
            }
        }
    }

    @Test
    void aTargetSaysMetOrMissedAndAFindingWithoutOneSaysSo() {
        Analysis a = Analysis.of(SampleResults.holding(OUT));
        String md = MarkdownReport.render(a);

        assertThat(md).contains("| yes | 3 servers >= 2.7x at the same overload: met |",
                "| yes | availability >= 99.5%: missed |", "| yes | (no target) |");
    }

    @Test
    void everyStepHasItsRowAndEveryFigureAndChartIsThere() {
        Analysis a = Analysis.of(SampleResults.holding(OUT));
        String md = MarkdownReport.render(a);

        assertThat(md).startsWith("# lvs4j reference experiment\n\nMachine: Test CPU @ 3.0GHz, 2 cores, 4096 kB, "
                + "Linux 6.1, OpenJDK 64-Bit Server VM 17\n\nMode quick.");
        assertThat(md).contains("\n## Performance\n", "\n## Redundancy\n", "\n## Charts\n");
        assertThat(md).contains("| single | 300 | 600 | 402 | 198 | 33.00 | 201.0 | 90.0 | 90.0 | 100.0 | 110.0 "
                + "|  |  | 30.0 |  |  | 30.0 |");
        assertThat(md).contains("| 3 servers | 600 | 1200 | 1152 | 48 | 4.00 | 576.0 | 80.0 | 80.0 | 90.0 | 100.0 "
                + "| 90.0 | n/a | 28.0 | 29.0 | 30.0 | 30.0 |");
        assertThat(md.lines().filter(l -> l.startsWith("| single |") || l.startsWith("| 3 servers |")))
                .hasSize(a.result().steps().size());
        assertThat(md).contains("| 6.803 | backup serving |", "| director kill: takeover ms (backup serving) | 303 |",
                "| real-server kill: lost | 3 {OK=347, HTTP_ERROR=0, RESET=0, REFUSED=3, TIMEOUT=0} |");
        for (Chart c : Chart.values()) {
            assertThat(md).contains("![" + c.caption() + "](charts/" + c.file() + ")");
        }
    }

    @Test
    void aPipeInACellCannotBreakTheTable() {
        Analysis real = Analysis.of(SampleResults.holding(OUT));
        Analysis a = new Analysis(real.result(), real.redundancy(),
                List.of(new Finding("Study | with a pipe.", "a|b", false, new Target("x | y", true))));

        assertThat(MarkdownReport.render(a)).contains("| Study / with a pipe. | a/b | no | x / y: met |\n");
    }
}
