package io.lvs4j.examples.cli;

import io.lvs4j.examples.demo.LoadGenerator;
import io.lvs4j.examples.demo.LoadRecords;
import io.lvs4j.examples.demo.Summary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j load}: open-loop constant-rate HTTP load. Either one run from the options, or ({@code --serve}) runs
 * asked for on standard input, one per line: {@code run HOST:PORT RATE DURATION_MS TIMEOUT_MS PATH RECORDS_FILE},
 * each answered {@code done RECORDS_FILE} or {@code error MESSAGE} (how {@code lvs4j demo} drives it).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Offer open-loop constant-rate HTTP load (a new connection per request; response times from "
                + "each request's due time, so they are free of coordinated omission) and print what happened."})
final class LoadCommand implements Callable<Integer> {

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT", description = "Where to send the requests.")
    String target = "";

    @Option(names = "--rate", paramLabel = "N", defaultValue = "100", description = "Requests per second.")
    double rate = 100;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to offer load. Default: 10s.")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Per-request timeout from its due time. Default: 2s.")
    Duration timeout = Duration.ofSeconds(2);

    @Option(names = "--path", paramLabel = "PATH", defaultValue = "/", description = "The path to GET. Default: /.")
    String path = "/";

    @Option(names = "--records", paramLabel = "FILE", description = "Also write every request's record to FILE.")
    String records = "";

    @Option(names = "--serve", description = "Take runs from standard input (see the command's description).")
    boolean serve;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LoadGenerator generator = new LoadGenerator()) {
            if (serve) {
                return serve(generator, out);
            }
            if (target.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--target=HOST:PORT'");
            }
            LoadRecords result;
            try {
                result = generator.run(Endpoints.address("--target", target), path, rate, duration, timeout).done()
                        .join();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            if (!records.isEmpty()) {
                result.write(Path.of(records));
            }
            out.println(Summary.of(result, duration.toNanos() / 1e9).line());
            return 0;
        }
    }

    private static int serve(LoadGenerator generator, PrintWriter out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("ready");
        out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] f = line.trim().split(" ");
            try {
                if (f.length != 7 || !f[0].equals("run")) {
                    throw new IllegalArgumentException("expected 'run HOST:PORT RATE DURATION_MS TIMEOUT_MS PATH "
                            + "RECORDS_FILE' but was '" + line + "'");
                }
                LoadRecords result = generator.run(Endpoints.address("target", f[1]), f[5], Double.parseDouble(f[2]),
                        Duration.ofMillis(Long.parseLong(f[3])), Duration.ofMillis(Long.parseLong(f[4]))).done().join();
                result.write(Path.of(f[6]));
                out.println("done " + f[6]);
            } catch (RuntimeException e) {
                out.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
            out.flush();
        }
        return 0;
    }
}
