package io.lvs4j.examples.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.examples.demo.SampleResults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code lvs4j demo} prints: aligned tables and one line per finding with its verdict. */
class TerminalReportTest {

    @Test
    void eachFindingSaysWhetherItPointsTheSameDirection() {
        Path out = Path.of("target", "report");
        String holding = TerminalReport.render(Analysis.of(SampleResults.holding(out)));
        String failing = TerminalReport.render(Analysis.of(SampleResults.failing(out)));

        assertThat(holding).contains("- Less request loss. Same direction. Loss lower with 3 servers at 2 of the 2 "
                + "loads").doesNotContain("NOT the same direction");
        assertThat(failing).contains("- Less request loss. NOT the same direction. Loss lower with 3 servers at 0 of "
                + "the 2 loads").doesNotContain("Same direction.");
        assertThat(holding).contains("[availability >= 99.5%: missed]\n", "[(no target)]\n")
                .endsWith("\nReport: " + out.resolve("index.html").toAbsolutePath() + "\n");
    }

    @Test
    void theTablesAreAlignedInColumns() {
        String text = TerminalReport.render(Analysis.of(SampleResults.holding(Path.of("unused"))));
        List<String> performance = text.lines().dropWhile(l -> !l.equals("Performance")).skip(1)
                .takeWhile(l -> !l.isEmpty()).toList();

        assertThat(performance).hasSize(1 + 6);
        assertThat(performance.get(0)).startsWith("configuration  offered/s").endsWith("cpu loader %");
        assertThat(performance).extracting(String::length).containsOnly(performance.get(0).length());
        assertThat(performance.get(1)).startsWith("single               100   200");
    }
}
