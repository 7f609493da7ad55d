package io.lvs4j.examples.demo.report;

import io.lvs4j.examples.demo.DemoResult;
import io.lvs4j.examples.demo.DemoResult.Mark;
import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import io.lvs4j.examples.demo.LoadRecords;
import java.util.List;
import java.util.Map;

/**
 * The redundancy test's figures.
 *
 * @param rsWindow requests sent from 1 s before the real-server kill until its restart
 * @param rsAvailability successful share of those, percent
 * @param detectionMillis kill to DOWN, as the director logged it
 * @param directorWindow requests sent from 1 s before the master's kill until its restart
 * @param directorAvailability successful share of those, percent
 * @param takeoverMillis kill to the backup becoming MASTER, as the backup logged it
 * @param servingMillis kill to the backup serving (its listener bound: the takeover of the virtual address)
 * @param clientTakeoverMillis kill to the first success after the last failure, as the clients saw it; -1 when
 *     no request succeeded after the last failure
 * @param lostAfterTakeover failed requests that arrived after the backup served and before the master came back
 * @param preemptWindow requests sent from the master's restart to the end
 * @param overall the whole steady load
 */
public record RedundancyFigures(Map<Outcome, Integer> rsWindow, double rsAvailability, long detectionMillis,
        Map<Outcome, Integer> directorWindow, double directorAvailability, long takeoverMillis, long servingMillis,
        long clientTakeoverMillis, int lostAfterTakeover, Map<Outcome, Integer> preemptWindow,
        Map<Outcome, Integer> overall) {

    /** How far before a kill the availability windows start, milliseconds. */
    public static final long BEFORE_KILL_MILLIS = 1000;

    /**
     * Measures a redundancy test from its records and marks.
     *
     * @throws IllegalArgumentException when a mark the figures need is missing
     */
    public static RedundancyFigures of(DemoResult.Redundancy test) {
        LoadRecords rec = test.records();
        List<Mark> marks = test.marks();
        long killRs = mark(marks, "kill-rs");
        long restartRs = mark(marks, "restart-rs");
        long killMaster = mark(marks, "kill-master");
        long master = mark(marks, "backup-master");
        long takeover = mark(marks, "takeover");
        long restartMaster = mark(marks, "restart-master");
        long before = BEFORE_KILL_MILLIS * 1000;
        Map<Outcome, Integer> rsWindow = rec.counts(killRs - before, restartRs);
        Map<Outcome, Integer> directorWindow = rec.counts(killMaster - before, restartMaster);
        // times are when each request reached the director (sent), not when it was due: a busy load generator
        // may send late, and a late request did not arrive during the outage
        long lastFailure = Long.MIN_VALUE;
        int lostAfter = 0;
        for (int i = 0; i < rec.sent(); i++) {
            long sent = rec.sentEpochMicros(i);
            if (rec.outcome(i) != Outcome.OK && sent >= killMaster && sent < restartMaster) {
                lastFailure = Math.max(lastFailure, sent);
                if (sent >= takeover) {
                    lostAfter++;
                }
            }
        }
        long resumed = killMaster;
        if (lastFailure != Long.MIN_VALUE) {
            resumed = Long.MAX_VALUE;
            for (int i = 0; i < rec.sent(); i++) {
                long sent = rec.sentEpochMicros(i);
                if (sent > lastFailure && rec.outcome(i) == Outcome.OK) {
                    resumed = Math.min(resumed, sent);
                }
            }
        }
        return new RedundancyFigures(rsWindow, availability(rsWindow), (mark(marks, "rs-down") - killRs) / 1000,
                directorWindow, availability(directorWindow), (master - killMaster) / 1000,
                (takeover - killMaster) / 1000, resumed == Long.MAX_VALUE ? -1 : (resumed - killMaster) / 1000,
                lostAfter, rec.counts(restartMaster, Long.MAX_VALUE), rec.counts());
    }

    /** When the first mark of {@code kind} happened, microseconds since the epoch. */
    static long mark(List<Mark> marks, String kind) {
        for (Mark m : marks) {
            if (m.kind().equals(kind)) {
                return m.epochMicros();
            }
        }
        throw new IllegalArgumentException("no '" + kind + "' mark in " + marks);
    }

    /** All requests of a count by outcome. */
    public static int total(Map<Outcome, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The failed requests of a count by outcome. */
    public static int lost(Map<Outcome, Integer> counts) {
        return total(counts) - counts.get(Outcome.OK);
    }

    /** The successful share of a count by outcome, percent; 100 when it is empty. */
    public static double availability(Map<Outcome, Integer> counts) {
        int sent = total(counts);
        return sent == 0 ? 100 : 100.0 * counts.get(Outcome.OK) / sent;
    }
}
