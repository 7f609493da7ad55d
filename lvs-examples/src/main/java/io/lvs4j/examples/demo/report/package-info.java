/**
 * The report of the reference experiment. {@link io.lvs4j.examples.demo.report.Analysis} turns a
 * {@link io.lvs4j.examples.demo.DemoResult} into figures and findings (plain records, no formatting); one renderer per
 * output turns those into text or images:
 * <ul>
 *   <li>{@link io.lvs4j.examples.demo.report.TerminalReport}: the tables {@code lvs4j demo} prints;</li>
 *   <li>{@link io.lvs4j.examples.demo.report.MarkdownReport}: {@code report.md};</li>
 *   <li>{@link io.lvs4j.examples.demo.report.HtmlReport}: {@code index.html};</li>
 *   <li>{@link io.lvs4j.examples.demo.report.CsvReport}: {@code results.csv};</li>
 *   <li>{@link io.lvs4j.examples.demo.report.ChartImages}: the PNG charts under {@code charts/}.</li>
 * </ul>
 * {@link io.lvs4j.examples.demo.report.Report} writes them all into the report folder.
 */
@NullMarked
package io.lvs4j.examples.demo.report;

import org.jspecify.annotations.NullMarked;
