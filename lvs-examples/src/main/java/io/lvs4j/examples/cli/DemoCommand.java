package io.lvs4j.examples.cli;

import io.lvs4j.examples.demo.Demo;
import io.lvs4j.examples.demo.DemoResult;
import io.lvs4j.examples.demo.DemoSettings;
import io.lvs4j.examples.demo.report.Analysis;
import io.lvs4j.examples.demo.report.Report;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j demo}: the reference experiment. Starts real servers, an active-standby pair of directors and a load
 * generator as separate processes on loopback, runs the performance and the redundancy test, and writes the report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the reference experiment: one real server against a director with 2, 3 and 4 real "
                + "servers at rising loads (throughput, loss, response time, CPU), then kill -9 a real server and the "
                + "master director under load. Every part is its own process on loopback.",
            "Writes a report (index.html, report.md, charts, results.csv) to --out; prints the tables."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    static final class Mode {
        @Option(names = "--quick", description = "Under 40 s: one cluster of 3, three loads, 2 s steps.")
        boolean quick;

        @Option(names = "--full", description = "About ten minutes: eleven loads, 15 s steps.")
        boolean full;
    }

    @ArgGroup(exclusive = true)
    @Nullable
    Mode mode;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/lvs4j-report",
            description = "The report folder. Default: ${DEFAULT-VALUE}.")
    Path out = Path.of("target/lvs4j-report");

    @Option(names = "--clusters", paramLabel = "N,N", split = ",",
            description = "Override the cluster sizes of the performance test, e.g. 2,3,4.")
    List<Integer> clusters = List.of();

    @Option(names = "--loads", paramLabel = "F,F", split = ",",
            description = "Override the offered loads, as multiples of one server's capacity, e.g. 0.5,1,2,4.")
    List<Double> loads = List.of();

    @Override
    public Integer call() throws Exception {
        String preset = mode == null ? "default" : mode.quick ? "quick" : "full";
        DemoSettings s;
        try {
            s = DemoSettings.preset(preset, out);
            s = new DemoSettings(s.mode(), s.workers(), s.serviceTime(), s.queue(),
                    clusters.isEmpty() ? s.clusterSizes() : clusters, loads.isEmpty() ? s.loadFactors() : loads,
                    s.step(), s.warmup(), s.timeout(), s.checkInterval(), s.advert(), s.slowStart(), s.plan(), out);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        DemoResult result;
        try (Demo demo = new Demo(s, stdout)) {
            Thread stopper = new Thread(demo::close, "lvs4j-demo-stop");
            Runtime.getRuntime().addShutdownHook(stopper); // Ctrl-C leaves no process behind
            try {
                result = demo.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("lvs4j demo failed: " + e.getMessage() + " (process logs in "
                    + out.resolve("run/logs").toAbsolutePath() + ")");
            return 1;
        }
        stdout.print(Report.write(Analysis.of(result)));
        stdout.flush();
        return 0;
    }
}
