package io.lvs4j.examples.demo;

import io.lvs4j.examples.demo.DemoResult.Mark;
import io.lvs4j.examples.demo.DemoResult.Step;
import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Hand-made results of the reference experiment, for tests of the report without running processes: the
 * {@code quick} preset (one real server of 200 requests/s capacity against 3 servers at 0.5x, 1.5x and 3x), with
 * figures chosen by the test.
 */
public final class SampleResults {

    /** When the redundancy test's load starts, microseconds since the epoch. */
    public static final long START = 1_700_000_000_000_000L;
    /** The redundancy test's steady load, requests per second. */
    public static final int RATE = 100;
    /** How long the redundancy test's load lasts, seconds. */
    public static final int SECONDS = 12;

    private SampleResults() {
    }

    /** The {@code quick} preset writing into {@code out}. */
    public static DemoSettings settings(Path out) {
        return DemoSettings.preset("quick", out);
    }

    /**
     * One step of 2 s.
     *
     * @param served the share of the offered requests answered OK, 0..1
     */
    public static Step step(String config, int realServers, double factor, double served, double meanMs,
            double p99Ms, Map<String, Double> cpuPercent) {
        double offered = factor * 200;
        int sent = (int) Math.round(offered * 2);
        int ok = (int) Math.round(sent * served);
        return new Step(config, realServers, factor, new Summary(offered, 2, sent, ok, sent - ok, 0, 0, 0, meanMs,
                Math.min(meanMs, p99Ms), (meanMs + p99Ms) / 2, p99Ms, p99Ms + 1), cpuPercent);
    }

    /** CPU use of one real server alone, percent of a core. */
    public static Map<String, Double> cpuSingle(double rs1) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("rs1", rs1);
        cpu.put("loader", 30.0);
        return cpu;
    }

    /** CPU use of a director, its backup and three real servers, percent of a core. */
    public static Map<String, Double> cpuCluster(double director, double rs1, double rs2, double rs3) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("director", director);
        cpu.put("backup", -1.0);
        cpu.put("rs1", rs1);
        cpu.put("rs2", rs2);
        cpu.put("rs3", rs3);
        cpu.put("loader", 30.0);
        return cpu;
    }

    /**
     * {@link #RATE} requests per second for {@link #SECONDS} seconds from {@link #START}, each sent when due;
     * those sent at an offset (microseconds) that {@code refused} accepts are refused, the others OK in 25 ms.
     */
    public static LoadRecords steadyLoad(LongPredicate refused) {
        int n = RATE * SECONDS;
        long[] due = new long[n];
        long[] latency = new long[n];
        Outcome[] outcomes = new Outcome[n];
        for (int i = 0; i < n; i++) {
            due[i] = i * 1_000_000_000L / RATE;
            boolean failed = refused.test(due[i] / 1000);
            outcomes[i] = failed ? Outcome.REFUSED : Outcome.OK;
            latency[i] = failed ? 1_000_000 : 25_000_000;
        }
        return new LoadRecords(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080), RATE, START, due,
                due.clone(), latency, outcomes);
    }

    /**
     * The redundancy test's moments, as offsets from {@link #START}: the real server is killed at 2 s, marked down
     * {@code detection} later, restarted at 4.5 s; the master is killed at 6.5 s, the backup becomes MASTER
     * {@code takeover} later and serves 3 ms after that; the master restarts at 8.5 s.
     */
    public static List<Mark> marks(Duration detection, Duration takeover) {
        List<Mark> marks = new ArrayList<>();
        marks.add(mark(2000, "kill-rs", "kill -9 rs3"));
        marks.add(mark(2000 + detection.toMillis(), "rs-down", "rs3 down"));
        marks.add(mark(4500, "restart-rs", "restart rs3"));
        marks.add(mark(4800, "rs-up", "rs3 up (slow start)"));
        marks.add(mark(6500, "kill-master", "kill -9 master"));
        marks.add(mark(6500 + takeover.toMillis(), "backup-master", "backup MASTER"));
        marks.add(mark(6503 + takeover.toMillis(), "takeover", "backup serving"));
        marks.add(mark(8500, "restart-master", "restart master"));
        marks.add(mark(9000, "preempt", "master serving again"));
        return marks;
    }

    private static Mark mark(long millis, String kind, String label) {
        return new Mark(START + millis * 1000, kind, label);
    }

    /**
     * The single server's steps, the same in every sample: it serves all of 0.5x its capacity, then saturates (67%
     * of 1.5x and 34% of 3x served), then the given cluster's steps.
     */
    private static List<Step> afterTheSingleServer(Step... cluster) {
        List<Step> steps = new ArrayList<>(List.of(
                step("single", 1, 0.5, 1.0, 22, 30, cpuSingle(16.0)),
                step("single", 1, 1.5, 0.67, 90, 110, cpuSingle(30.0)),
                step("single", 1, 3.0, 0.34, 100, 115, cpuSingle(31.0))));
        steps.addAll(List.of(cluster));
        return steps;
    }

    /** A result of the given steps and redundancy test, on a made-up machine, that took 40 s. */
    public static DemoResult result(Path out, List<Step> steps, LoadRecords redundancy, List<Mark> marks) {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpu", "Test CPU @ 3.0GHz");
        machine.put("cores", "2");
        machine.put("memory", "4096 kB");
        machine.put("os", "Linux 6.1");
        machine.put("java", "OpenJDK 64-Bit Server VM 17");
        return new DemoResult(settings(out), machine, steps, new DemoResult.Redundancy(redundancy, marks),
                Duration.ofSeconds(40));
    }

    /**
     * A run in which every finding of the study holds: 3 servers serve nearly all of each load, one server saturates
     * at 1.5x and 3x; the real-server kill loses 3 requests, the takeover 30 before the backup served and none
     * after.
     */
    public static DemoResult holding(Path out) {
        List<Step> steps = afterTheSingleServer(
                step("3 servers", 3, 0.5, 1.0, 21, 28, cpuCluster(30.0, 6.0, 5.0, 7.0)),
                step("3 servers", 3, 1.5, 1.0, 25, 60, cpuCluster(60.0, 15.0, 16.0, 15.0)),
                step("3 servers", 3, 3.0, 0.96, 80, 100, cpuCluster(90.0, 28.0, 29.0, 30.0)));
        LoadRecords records = steadyLoad(t -> t >= 2_000_000 && t < 2_030_000 || t >= 6_500_000 && t < 6_800_000);
        return result(out, steps, records, marks(Duration.ofMillis(180), Duration.ofMillis(300)));
    }

    /**
     * A run in which every finding fails: 3 servers serve less than one, with more loss, longer response times and
     * busier real servers; the real-server kill loses two seconds of requests, and from the master's kill on no
     * client is served again.
     */
    public static DemoResult failing(Path out) {
        List<Step> steps = afterTheSingleServer(
                step("3 servers", 3, 0.5, 1.0, 40, 60, cpuCluster(30.0, 20.0, 5.0, 7.0)),
                step("3 servers", 3, 1.5, 0.5, 120, 200, cpuCluster(60.0, 15.0, 16.0, 15.0)),
                step("3 servers", 3, 3.0, 0.3, 130, 220, cpuCluster(90.0, 28.0, 29.0, 30.0)));
        LoadRecords records = steadyLoad(t -> t >= 2_000_000 && t < 4_000_000 || t >= 6_500_000);
        return result(out, steps, records, marks(Duration.ofMillis(180), Duration.ofMillis(300)));
    }
}
