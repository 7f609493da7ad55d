package io.lvs4j.examples.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.examples.demo.SampleResults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code index.html}: the findings' rows, escaped, and every chart shown. */
class HtmlReportTest {

    private static final Path OUT = Path.of("unused");

    /** The findings hold {@code <} and {@code >=}; none holds {@code &}. */
    private static String escaped(String text) {
        return text.replace("<", "&lt;").replace(">", "&gt;");
    }

    @Test
    void everyFindingHasItsRowAndEveryChartIsShown() {
        Analysis a = Analysis.of(SampleResults.failing(OUT));
        String html = HtmlReport.render(a);

        for (Finding f : a.findings()) {
            assertThat(html).contains("<tr><td>" + f.study() + "</td><td>" + escaped(f.measured())
                    + "</td><td>no</td><td>" + escaped(ReportTables.target(f.target())) + "</td></tr>");
        }
        for (Chart c : Chart.values()) {
            assertThat(html).containsOnlyOnce("<img src=\"charts/" + c.file() + "\" alt=\"" + c.caption() + "\">");
        }
        assertThat(html).startsWith("<!DOCTYPE html>\n").endsWith("</body></html>\n");
    }

    @Test
    void textFromTheRunIsEscaped() {
        Analysis real = Analysis.of(SampleResults.holding(OUT));
        Analysis a = new Analysis(real.result(), real.redundancy(),
                List.of(new Finding("<script>alert(1)</script>", "p99 < 5 ms & more", true, null)));

        assertThat(HtmlReport.render(a)).doesNotContain("<script>")
                .contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>p99 &lt; 5 ms &amp; more</td>");
    }
}
