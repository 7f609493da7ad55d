package io.lvs4j.examples.demo.report;

import io.lvs4j.examples.demo.DemoResult;
import io.lvs4j.examples.demo.DemoResult.Step;
import io.lvs4j.examples.demo.DemoSettings;
import io.lvs4j.examples.demo.Summary;
import io.lvs4j.examples.demo.report.Finding.Target;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one run of the reference experiment shows: the redundancy test's figures and the study's findings set against
 * them, computed from a {@link DemoResult} and nothing else. Renderers only format it.
 *
 * @param result what the run measured
 * @param redundancy the redundancy test's figures
 * @param findings the study's findings against this run, in the study's order: throughput, loss, response times and
 *     CPU when both the single server and a cluster ran, then a real server's failure and the director's
 */
public record Analysis(DemoResult result, RedundancyFigures redundancy, List<Finding> findings) {

    /** The configuration name of one real server hit directly, without a director. */
    public static final String SINGLE = "single";
    /** The least throughput of 3 servers against one at the same overload that meets the target. */
    public static final double TARGET_THROUGHPUT_RATIO = 2.7;
    /** The availability, percent, below which a real server's failure breaks the study's finding. */
    public static final double HOLDS_AVAILABILITY = 99.0;
    /** The availability, percent, that meets the target when a real server fails. */
    public static final double TARGET_AVAILABILITY = 99.5;
    /** The longest client-seen takeover that meets the target, milliseconds. */
    public static final long TARGET_TAKEOVER_MILLIS = 500;

    /** Copies the findings. */
    public Analysis {
        findings = List.copyOf(findings);
    }

    /** Analyses a result. */
    public static Analysis of(DemoResult result) {
        RedundancyFigures redundancy = RedundancyFigures.of(result.redundancy());
        List<Finding> findings = new ArrayList<>();
        List<Step> single = steps(result, SINGLE);
        String name = clusterName(result.settings());
        List<Step> cluster = steps(result, name);
        if (!single.isEmpty() && !cluster.isEmpty()) {
            findings.add(throughput(single, cluster, name));
            findings.addAll(overload(single, cluster, name, result.settings()));
            findings.add(cpu(single, cluster, name));
        }
        findings.add(realServerFailure(redundancy, result.settings()));
        findings.add(directorFailure(redundancy));
        return new Analysis(result, redundancy, findings);
    }

    /** The configuration compared with the single server: 3 servers when run, else the largest cluster. */
    public String clusterName() {
        return clusterName(result.settings());
    }

    /** The steps of one configuration, in the order run. */
    public List<Step> steps(String config) {
        return steps(result, config);
    }

    /** The step of {@code steps} at an offered load of {@code factor} times one server's capacity. */
    static Step match(List<Step> steps, double factor) {
        return steps.stream().filter(s -> s.factor() == factor).findFirst().orElseThrow(() ->
                new IllegalStateException("no step at " + factor + "x in " + steps));
    }

    /** The processes whose CPU use was measured: director, backup, the real servers in order, then the others. */
    public List<String> processes() {
        Set<String> names = new LinkedHashSet<>();
        result.steps().forEach(s -> names.addAll(s.cpuPercent().keySet()));
        List<String> ordered = new ArrayList<>();
        for (String n : List.of("director", "backup")) {
            if (names.remove(n)) {
                ordered.add(n);
            }
        }
        names.stream().filter(n -> n.startsWith("rs")).sorted().forEach(ordered::add);
        names.stream().filter(n -> !n.startsWith("rs")).forEach(ordered::add);
        return ordered;
    }

    private static String clusterName(DemoSettings settings) {
        List<Integer> sizes = settings.clusterSizes();
        int n = sizes.contains(3) ? 3 : sizes.stream().mapToInt(Integer::intValue).max().orElse(3);
        return n + " servers";
    }

    private static List<Step> steps(DemoResult result, String config) {
        return result.steps().stream().filter(s -> s.config().equals(config)).toList();
    }

    /** One server saturates: it loses more than 1% or serves less than 97% of what is offered. */
    private static boolean saturated(Step single) {
        Summary s = single.summary();
        return s.lossPercent() > 1 || s.throughput() < 0.97 * s.offered();
    }

    private static Finding throughput(List<Step> single, List<Step> cluster, String name) {
        Summary one = single.get(single.size() - 1).summary();
        Summary many = match(cluster, single.get(single.size() - 1).factor()).summary();
        double ratio = many.throughput() / Math.max(1e-9, one.throughput());
        return new Finding("The cluster serves more requests: higher throughput.",
                String.format(Locale.ROOT, "At %.0f requests/s offered, %s served %.1f/s against %.1f/s by one "
                        + "server: %.2fx.", one.offered(), name, many.throughput(), one.throughput(), ratio),
                ratio > 1, new Target("3 servers >= 2.7x at the same overload", ratio >= TARGET_THROUGHPUT_RATIO));
    }

    /** Loss and response times at every load where one server saturates. */
    private static List<Finding> overload(List<Step> single, List<Step> cluster, String name,
            DemoSettings settings) {
        int loads = 0;
        int lowerLoss = 0;
        int lowerP99 = 0;
        int lowerMean = 0;
        int spare = 0;
        int lowerP99Spare = 0;
        double clusterCapacity = Integer.parseInt(name.split(" ")[0]) * settings.capacity();
        StringBuilder detail = new StringBuilder();
        for (Step s : single) {
            if (!saturated(s)) {
                continue;
            }
            Summary one = s.summary();
            Summary many = match(cluster, s.factor()).summary();
            loads++;
            lowerLoss += many.lossPercent() < one.lossPercent() ? 1 : 0;
            lowerP99 += many.p99Ms() < one.p99Ms() ? 1 : 0;
            lowerMean += many.meanMs() < one.meanMs() ? 1 : 0;
            if (one.offered() < clusterCapacity) {
                spare++;
                lowerP99Spare += many.p99Ms() < one.p99Ms() ? 1 : 0;
            }
            detail.append(String.format(Locale.ROOT, " %.0f/s: loss %.1f%% vs %.1f%%, p99 %.0f vs %.0f ms;",
                    one.offered(), many.lossPercent(), one.lossPercent(), many.p99Ms(), one.p99Ms()));
        }
        boolean every = loads > 0;
        Finding loss = new Finding("Less request loss.", String.format(Locale.ROOT,
                "Loss lower with %s at %d of the %d loads where one server saturates (cluster vs one server):%s",
                name, lowerLoss, loads, detail), every && lowerLoss == loads,
                new Target("loss lower at every load where one server saturates", every && lowerLoss == loads));
        Finding latency = new Finding("Shorter response times.", String.format(Locale.ROOT,
                "p99 lower at %d and mean lower at %d of those %d loads; p99 lower at %d of the %d where the "
                        + "cluster still had spare capacity (offered < %.0f/s). Where the cluster is itself at "
                        + "or past capacity every server's queue is full, so its successful requests wait as "
                        + "long as the single server's.", lowerP99, lowerMean, loads, lowerP99Spare, spare,
                clusterCapacity), every && lowerMean == loads,
                new Target("p99 lower at every load where one server saturates", every && lowerP99 == loads));
        return List.of(loss, latency);
    }

    /** CPU at the most one server serves without saturating (or its lowest load when it always saturates). */
    private static Finding cpu(List<Step> single, List<Step> cluster, String name) {
        Step cs = single.stream().filter(s -> !saturated(s)).reduce((a, b) -> b).orElse(single.get(0));
        Map<String, Double> cc = match(cluster, cs.factor()).cpuPercent();
        double busiest = cc.entrySet().stream().filter(e -> e.getKey().startsWith("rs"))
                .mapToDouble(Map.Entry::getValue).max().orElse(-1);
        double mean = cc.entrySet().stream().filter(e -> e.getKey().startsWith("rs"))
                .mapToDouble(Map.Entry::getValue).average().orElse(-1);
        double one = cs.cpuPercent().getOrDefault("rs1", -1.0);
        return new Finding("The cluster spreads the CPU load.", String.format(Locale.ROOT,
                "At %.0f requests/s (the most one server serves without saturating): the busiest real server of "
                        + "%s used %.1f%% of a core (their mean %.1f%%), the single server %.1f%%; the director "
                        + "%.1f%%.", cs.summary().offered(), name, busiest, mean, one,
                cc.getOrDefault("director", -1.0)), busiest >= 0 && busiest < one, null);
    }

    private static Finding realServerFailure(RedundancyFigures r, DemoSettings settings) {
        return new Finding("The service stays available when a real server fails.", String.format(Locale.ROOT,
                "Availability %.2f%% of %d requests from 1 s before the kill to the restart; DOWN %d ms after "
                        + "the kill (checks every %d ms).", r.rsAvailability(), RedundancyFigures.total(r.rsWindow()),
                r.detectionMillis(), settings.checkInterval().toMillis()),
                r.rsAvailability() >= HOLDS_AVAILABILITY, // the service stayed up; the target is stricter
                new Target("availability >= 99.5%", r.rsAvailability() >= TARGET_AVAILABILITY));
    }

    private static Finding directorFailure(RedundancyFigures r) {
        boolean fast = r.clientTakeoverMillis() >= 0 && r.clientTakeoverMillis() <= TARGET_TAKEOVER_MILLIS;
        return new Finding("The service stays available when the active director fails: the standby takes over.",
                String.format(Locale.ROOT, "Clients were served again %d ms after kill -9 of the master (the backup "
                                + "became MASTER at %d ms and served at %d ms); %d requests lost that arrived after "
                                + "it served; availability %.2f%% from 1 s before the kill to the master's restart.",
                        r.clientTakeoverMillis(), r.takeoverMillis(), r.servingMillis(), r.lostAfterTakeover(),
                        r.directorAvailability()),
                r.clientTakeoverMillis() >= 0,
                new Target("takeover <= 0.5 s with 100 ms adverts and no loss after it",
                        fast && r.lostAfterTakeover() == 0));
    }
}
