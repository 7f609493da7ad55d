package io.lvs4j.examples.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of the experiment measured, before analysis.
 *
 * @param settings the parameters
 * @param machine what the run ran on: CPU, cores, memory, OS, Java
 * @param steps every performance step, in the order run
 * @param redundancy the failure test's records and marks
 * @param elapsed the run's wall-clock time
 */
public record DemoResult(DemoSettings settings, Map<String, String> machine, List<Step> steps, Redundancy redundancy,
        Duration elapsed) {

    /**
     * One offered load against one configuration.
     *
     * @param config {@code single} (one real server, no director) or {@code N servers}
     * @param realServers how many real servers served
     * @param factor the offered load as a multiple of one server's capacity
     * @param summary what the clients saw
     * @param cpuPercent CPU use of each process during the step, percent of one core (-1 when unknown)
     */
    public record Step(String config, int realServers, double factor, Summary summary,
            Map<String, Double> cpuPercent) {
    }

    /**
     * The redundancy test.
     *
     * @param records every request of the steady load
     * @param marks what happened when, in time order
     */
    public record Redundancy(LoadRecords records, List<Mark> marks) {
    }

    /**
     * A moment of the redundancy test.
     *
     * @param epochMicros when, microseconds since the epoch
     * @param kind what: one of {@code kill-rs}, {@code rs-down}, {@code restart-rs}, {@code rs-up},
     *     {@code kill-master}, {@code backup-master}, {@code takeover} (the backup serving), {@code restart-master}, {@code preempt}
     * @param label the words for the chart
     */
    public record Mark(long epochMicros, String kind, String label) {
    }
}
