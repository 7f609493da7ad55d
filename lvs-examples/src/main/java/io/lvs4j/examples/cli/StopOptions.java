package io.lvs4j.examples.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --stop-grace}: how long {@code director} and {@code forward} wait for connections when they stop. */
final class StopOptions {

    @Option(names = "--stop-grace", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How long a stop waits for connections. Default: 10s.")
    Duration grace = Duration.ofSeconds(10);
}
