package io.lvs4j.examples.demo;

import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of one load run: counts of each outcome, throughput, loss and the response-time distribution of the
 * successful requests (from their due times, so queueing behind a stalled server counts).
 *
 * @param offered the offered rate, requests per second
 * @param seconds the run's length, seconds
 * @param sent requests sent
 * @param ok requests answered {@code 2xx}
 * @param httpErrors requests answered with another status
 * @param resets requests whose connection closed before an answer
 * @param refused requests whose connection was refused
 * @param timeouts requests without an answer in time
 * @param meanMs mean response time of the successful requests, ms (0 when none)
 * @param p50Ms median, ms
 * @param p90Ms 90th percentile, ms
 * @param p99Ms 99th percentile, ms
 * @param maxMs the largest, ms
 */
public record Summary(double offered, double seconds, int sent, int ok, int httpErrors, int resets, int refused,
        int timeouts, double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    /** Summarises a whole run of {@code seconds}. */
    public static Summary of(LoadRecords records, double seconds) {
        Map<Outcome, Integer> c = records.counts();
        Histogram h = records.okLatencies();
        boolean any = h.getTotalCount() > 0;
        return new Summary(records.rate(), seconds, records.sent(), c.get(Outcome.OK), c.get(Outcome.HTTP_ERROR),
                c.get(Outcome.RESET), c.get(Outcome.REFUSED), c.get(Outcome.TIMEOUT),
                any ? h.getMean() / 1000 : 0, any ? h.getValueAtPercentile(50) / 1000.0 : 0,
                any ? h.getValueAtPercentile(90) / 1000.0 : 0, any ? h.getValueAtPercentile(99) / 1000.0 : 0,
                any ? h.getMaxValue() / 1000.0 : 0);
    }

    /** Requests without a successful answer: {@code sent - ok}. */
    public int lost() {
        return sent - ok;
    }

    /** Lost requests as a percentage of those sent. */
    public double lossPercent() {
        return sent == 0 ? 0 : 100.0 * lost() / sent;
    }

    /** Successful requests per second. */
    public double throughput() {
        return ok / seconds;
    }

    /** A one-line text form, as {@code lvs4j load} prints it. */
    public String line() {
        return String.format(Locale.ROOT, "offered %.0f/s: sent %d, ok %d (%.1f/s), lost %d (%.2f%%: %d http, %d "
                        + "reset, %d refused, %d timeout); ms mean %.1f p50 %.1f p90 %.1f p99 %.1f max %.1f",
                offered, sent, ok, throughput(), lost(), lossPercent(), httpErrors, resets, refused, timeouts, meanMs,
                p50Ms, p90Ms, p99Ms, maxMs);
    }
}
