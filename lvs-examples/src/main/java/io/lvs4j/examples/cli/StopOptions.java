package io.lvs4j.examples.cli;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --stop-grace}: how long {@code director} and {@code forward} wait for connections when they stop. */
final class StopOptions {

    @Option(names = "--stop-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a stop waits for connections. Default: the configuration file's stop_grace "
                    + "(director), else 10s.")
    @Nullable Duration grace;

    /** The grace given on the command line, else {@code otherwise} (the file's {@code stop_grace}, or 10 s). */
    Duration graceOr(Duration otherwise) {
        return grace != null ? grace : otherwise;
    }
}
