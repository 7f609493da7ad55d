package io.lvs4j.examples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The parameters of one run of the reference experiment.
 *
 * @param mode the preset it started from: {@code quick}, {@code default} or {@code full}
 * @param workers each real server's workers
 * @param serviceTime each request's simulated work
 * @param queue each real server's queue
 * @param clusterSizes how many real servers the director gets in each performance configuration, e.g. 2, 3, 4
 * @param loadFactors the offered loads, as multiples of one real server's capacity
 * @param step how long each offered load lasts
 * @param warmup how long each configuration is warmed up (at 3/4 of its capacity) before its first step, not reported
 * @param timeout each request's timeout
 * @param checkInterval the directors' health-check interval (keepalived's delay_loop)
 * @param advert the failover advert interval
 * @param slowStart the slow-start window of a real server that comes back
 * @param plan when the redundancy test kills and restarts what
 * @param out the report's folder
 */
public record DemoSettings(String mode, int workers, Duration serviceTime, int queue, List<Integer> clusterSizes,
        List<Double> loadFactors, Duration step, Duration warmup, Duration timeout, Duration checkInterval,
        Duration advert, Duration slowStart, Plan plan, Path out) {

    /**
     * The redundancy test's schedule, as offsets from the start of its steady load.
     *
     * @param loadFactor the steady load, as a multiple of one real server's capacity
     * @param realServers the real servers behind the directors
     * @param killRealServer when the last real server is killed (SIGKILL)
     * @param restartRealServer when it starts again
     * @param killMaster when the master director is killed (SIGKILL)
     * @param restartMaster when it starts again (and preempts)
     * @param end when the load stops
     */
    public record Plan(double loadFactor, int realServers, Duration killRealServer, Duration restartRealServer,
            Duration killMaster, Duration restartMaster, Duration end) {

        /** Checks the order of the moments. */
        public Plan {
            if (realServers < 2) {
                throw new IllegalArgumentException("plan.realServers must be >= 2 but was " + realServers);
            }
            if (killRealServer.compareTo(restartRealServer) >= 0 || restartRealServer.compareTo(killMaster) > 0
                    || killMaster.compareTo(restartMaster) >= 0 || restartMaster.compareTo(end) >= 0) {
                throw new IllegalArgumentException("plan moments must be in order: kill real server < restart it "
                        + "<= kill master < restart master < end");
            }
        }
    }

    /** Checks every field. */
    public DemoSettings {
        Objects.requireNonNull(mode, "mode");
        if (workers < 1 || queue < 0 || serviceTime.isZero() || serviceTime.isNegative()) {
            throw new IllegalArgumentException("workers >= 1, queue >= 0 and serviceTime > 0 are needed but were "
                    + workers + ", " + queue + ", " + serviceTime);
        }
        if (clusterSizes.isEmpty() || clusterSizes.stream().anyMatch(n -> n < 1 || n > 16)) {
            throw new IllegalArgumentException("clusterSizes must be 1..16 each and not empty but was "
                    + clusterSizes);
        }
        if (loadFactors.isEmpty() || loadFactors.stream().anyMatch(f -> !(f > 0) || f > 100)) {
            throw new IllegalArgumentException("loadFactors must be > 0 and <= 100 each, not empty, but was "
                    + loadFactors);
        }
        clusterSizes = List.copyOf(clusterSizes);
        loadFactors = List.copyOf(loadFactors);
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(out, "out");
    }

    /** One real server's capacity, requests per second: workers / service time. */
    public double capacity() {
        return workers * 1e9 / serviceTime.toNanos();
    }

    /** The most real servers any part of the run needs. */
    public int realServersNeeded() {
        return Math.max(plan.realServers(), clusterSizes.stream().mapToInt(Integer::intValue).max().orElse(1));
    }

    /**
     * A preset: {@code quick} (under 40 s: one cluster of 3, three loads, 2 s steps), {@code default} (under 3
     * minutes: clusters of 2, 3 and 4, six loads up to 4x a server's capacity, 4 s steps) or {@code full} (about ten
     * minutes: eleven loads, 15 s steps, a longer redundancy test).
     */
    public static DemoSettings preset(String mode, Path out) {
        Duration ms20 = Duration.ofMillis(20);
        return switch (mode) {
            case "quick" -> new DemoSettings(mode, 4, ms20, 16, List.of(3), List.of(0.5, 1.5, 3.0),
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500),
                    Duration.ofMillis(100), Duration.ofSeconds(2),
                    new Plan(1.5, 3, Duration.ofSeconds(2), Duration.ofMillis(4500), Duration.ofMillis(6500),
                            Duration.ofMillis(8500), Duration.ofMillis(11500)), out);
            case "default" -> new DemoSettings(mode, 4, ms20, 16, List.of(2, 3, 4),
                    List.of(0.5, 1.0, 1.5, 2.0, 3.0, 4.0), Duration.ofSeconds(4), Duration.ofSeconds(2),
                    Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(3),
                    new Plan(1.5, 3, Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(12),
                            Duration.ofSeconds(16), Duration.ofSeconds(22)), out);
            case "full" -> new DemoSettings(mode, 4, ms20, 16, List.of(2, 3, 4),
                    List.of(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0), Duration.ofSeconds(15),
                    Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(100),
                    Duration.ofSeconds(5), new Plan(1.5, 3, Duration.ofSeconds(10), Duration.ofSeconds(20),
                            Duration.ofSeconds(30), Duration.ofSeconds(40), Duration.ofSeconds(55)), out);
            default -> throw new IllegalArgumentException("mode must be quick, default or full but was '" + mode
                    + "'");
        };
    }
}
