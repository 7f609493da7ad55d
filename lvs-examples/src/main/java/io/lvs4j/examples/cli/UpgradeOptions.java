package io.lvs4j.examples.cli;

import io.lvs4j.keepalived.KeepalivedDirector;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --upgrade-socket} and {@code --upgrade-grace}: the hitless upgrade of {@code director} and {@code forward}. */
final class UpgradeOptions {

    @Option(names = "--upgrade-socket", paramLabel = "PATH",
            description = "Hitless upgrade: take over the listeners of the lvs4j process running with the same option "
                    + "(if any) and, for each VRRP failover, its socket, role and advert run, so that the peers see no "
                    + "role change; then listen at PATH for the next one. Once that serves, stop accepting, close the "
                    + "admin endpoint (the successor binds it), drain for --upgrade-grace and exit. PATH's directory "
                    + "must be private (e.g. /run/lvs4j, 0700); each vrrp_instance NAME of a director's file uses "
                    + "PATH.NAME beside it. Runs on epoll; unicast peers only, not --failover zookeeper (see "
                    + "docs/operations.md).")
    @Nullable Path socket;

    @Option(names = "--upgrade-grace", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "After handing over, how long established connections may take to finish. Default: 30s.")
    Duration grace = Duration.ofSeconds(30);

    /** Whether {@code --upgrade-socket} was given. */
    boolean enabled() {
        return socket != null;
    }

    /** {@code options} with the upgrade socket and grace when {@code --upgrade-socket} was given, else as it is. */
    KeepalivedDirector.Options applyTo(KeepalivedDirector.Options options) {
        Path path = socket;
        return path == null ? options : options.withUpgradeSocket(path, grace);
    }
}
