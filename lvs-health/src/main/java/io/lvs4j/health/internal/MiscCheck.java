package io.lvs4j.health.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.api.internal.ProcessGroups;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * keepalived's {@code MISC_CHECK}: runs a command for each real server. Exit 0 passes and 1 fails; with
 * {@code misc_dynamic}, exit codes 2..255 pass and set the weight to {@code code - 2}. A command still running at the
 * timeout is killed with its process group (everything it started, see {@link ProcessGroups}) and the check fails. The
 * real server's address and port are appended as the last two arguments and set as {@code LVS4J_RS_IP} and
 * {@code LVS4J_RS_PORT}. Output is discarded. No thread waits for the process.
 */
public final class MiscCheck implements HealthCheck {

    private final List<String> command;
    private final Duration timeout;
    private final boolean dynamic;

    /** A command check. */
    public MiscCheck(List<String> command, Duration timeout, boolean dynamic) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("misc_path must name a command");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.dynamic = dynamic;
    }

    @Override
    public CompletionStage<CheckResult> check(RealServer realServer) {
        String ip = realServer.address().getAddress().getHostAddress();
        String port = Integer.toString(realServer.address().getPort());
        List<String> args = new ArrayList<>(command);
        args.add(ip);
        args.add(port);
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(new File(System.getProperty("os.name")
                        .startsWith("Windows") ? "NUL" : "/dev/null")));
        pb.environment().put("LVS4J_RS_IP", ip);
        pb.environment().put("LVS4J_RS_PORT", port);
        Process process;
        try {
            process = ProcessGroups.start(pb, true);
        } catch (IOException e) {
            return CompletableFuture.completedFuture(CheckResult.down("cannot run " + command.get(0) + ": "
                    + e.getMessage()));
        }
        return process.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((p, error) -> {
            if (error != null) {
                ProcessGroups.kill(process, true);
                return CheckResult.down(error instanceof TimeoutException
                        ? command.get(0) + " still running after " + timeout + ": killed"
                        : command.get(0) + " failed: " + error);
            }
            return result(p.exitValue());
        });
    }

    /** keepalived's exit-code rules. */
    CheckResult result(int code) {
        if (code == 0) {
            return CheckResult.up();
        }
        if (dynamic && code >= 2 && code <= 255) {
            return CheckResult.up(code - 2);
        }
        return CheckResult.down(command.get(0) + " exited with " + code);
    }
}
