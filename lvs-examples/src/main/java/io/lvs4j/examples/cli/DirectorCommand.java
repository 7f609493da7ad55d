package io.lvs4j.examples.cli;

import io.lvs4j.api.Addresses;
import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.AdminToken;
import io.lvs4j.keepalived.ConfigException;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.Reloader;
import io.lvs4j.keepalived.StatusDocument;
import io.lvs4j.keepalived.spec.DirectorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j director}: a keepalived.conf in Java. {@code --check} validates a file (like {@code keepalived -t});
 * without it the file runs until SIGTERM, reloads on SIGHUP, and answers on a token-protected admin endpoint.
 */
@Command(name = "director", mixinStandardHelpOptions = true,
        description = {"Run a keepalived.conf: virtual_server (NAT), real_server and its checkers, vrrp_instance, "
                + "vrrp_script, vrrp_sync_group (blocks, # and ! comments, quoted strings, include with globs).",
            "--check validates it (building every object a reload builds, each problem named by file:line) and "
                    + "prints the resolved configuration, binding nothing and sending nothing: exit 0 when valid, 1 "
                    + "when not.",
            "Running: SIGHUP (or 'lvs4j reload') applies the file again without dropping connections; a file that "
                    + "fails validation, or whose new services cannot be bound, leaves the running configuration as it "
                    + "is. SIGUSR2 prints the status; SIGUSR1 writes the whole state as JSON (the document of "
                    + "'lvs4j status --json') to --dump-file. "
                    + "SIGTERM stops gracefully.",
            "The admin endpoint (loopback, port 9180 by default) serves 'lvs4j status', 'weight', 'drain', "
                    + "'disable', 'enable', 'reload' and Prometheus metrics at /metrics; its token is written to "
                    + "~/.lvs4j/admin-PORT.token (or $LVS4J_HOME), readable by this user only."})
final class DirectorCommand implements Callable<Integer> {

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", required = true,
            description = "The configuration file.")
    Path file = Path.of("/etc/keepalived/keepalived.conf");

    @Option(names = {"-t", "--check"}, description = "Validate the file and print it resolved; start nothing.")
    boolean check;

    @Option(names = "--insecure", description = "Run VRRP instances that have no lvs4j { key_file } block (anyone on "
            + "the network can then forge their adverts).")
    boolean insecure;

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads per director. Default: one per "
            + "core.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + AdminServer.DEFAULT_PORT,
            description = "The admin endpoint. Default: ${DEFAULT-VALUE}.")
    String admin = "127.0.0.1:" + AdminServer.DEFAULT_PORT;

    @Option(names = "--admin-remote", description = "Allow --admin on a non-loopback address.")
    boolean adminRemote;

    @Option(names = "--no-admin", description = "Run without the admin endpoint.")
    boolean noAdmin;

    @Option(names = {"--token-file", "--admin-token-file"}, paramLabel = "PATH",
            description = "Where to write the admin token. Default: $LVS4J_HOME/admin-PORT.token, LVS4J_HOME "
                    + "defaulting to ~/.lvs4j.")
    @Nullable Path tokenFile;

    @Option(names = "--dump-file", paramLabel = "PATH", description = "Where SIGUSR1 writes the state as JSON. "
            + "Default: $LVS4J_HOME/director-PID.json, LVS4J_HOME defaulting to ~/.lvs4j.")
    @Nullable Path dumpFile;

    @Mixin
    StopOptions stop = new StopOptions();

    @Mixin
    UpgradeOptions upgrade = new UpgradeOptions();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        KeepalivedConfig.Result result = load(err);
        DirectorSpec config = result == null ? null : result.config();
        if (result == null || config == null) {
            long errors = result == null ? 1 : result.errors();
            err.println("lvs4j director: " + file + " is not valid (" + errors + (errors == 1 ? " error" : " errors")
                    + "); nothing was started");
            err.flush();
            return 1;
        }
        if (check) {
            return printResolved(result);
        }
        return run(config);
    }

    /** Loads and checks the file, printing every problem; {@code null} on a syntax error. */
    private KeepalivedConfig.@Nullable Result load(PrintWriter err) {
        KeepalivedConfig.Result result;
        try {
            result = KeepalivedConfig.load(file);
        } catch (ConfigException e) {
            err.println("lvs4j director: " + e.getMessage());
            err.flush();
            return null;
        }
        result.problems().forEach(err::println);
        err.flush();
        return result;
    }

    private int printResolved(KeepalivedConfig.Result result) {
        PrintWriter out = spec.commandLine().getOut();
        String resolved;
        try {
            resolved = KeepalivedConfig.resolved(file);
        } catch (ConfigException e) {
            throw new IllegalStateException(e); // parsed a moment ago
        }
        long warnings = result.warnings().size();
        out.print(resolved);
        out.println("# " + file + " is valid" + (warnings == 0 ? "" : " (" + warnings
                + (warnings == 1 ? " warning)" : " warnings)")));
        out.flush();
        return 0;
    }

    /** The stop's grace: {@code --stop-grace} when given, else the running configuration's {@code stop_grace}. */
    Duration stopGrace(DirectorSpec running) {
        return stop.graceOr(running.settings().stopGrace());
    }

    private int run(DirectorSpec config) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KeepalivedDirector director;
        try {
            KeepalivedDirector.Options options = new KeepalivedDirector.Options(threads, insecure);
            director = new KeepalivedDirector(config, upgrade.applyTo(options));
        } catch (IllegalArgumentException e) {
            err.println("lvs4j director: " + e.getMessage());
            err.flush();
            return 1;
        }
        try {
            director.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            err.println("lvs4j director: cannot start: " + (e.getCause() != null ? e.getCause().getMessage()
                    : e.getMessage()));
            err.flush();
            director.close();
            return 1;
        }
        Reloader reloader = new Reloader(() -> director.reload(file));
        AdminServer server = null;
        Path token = null;
        if (!noAdmin) {
            try {
                InetSocketAddress bind = Endpoints.address("--admin", admin);
                String secret = AdminToken.create();
                server = AdminHandover.start(() -> AdminServer.start(bind, adminRemote, secret, director,
                        Lvs4jCommand.metrics(director), reloader::reload), upgrade.enabled());
                token = tokenFile != null ? tokenFile : AdminToken.defaultFile(server.address().getPort());
                AdminToken.write(token, secret);
            } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
                err.println("lvs4j director: " + e.getMessage());
                err.flush();
                if (server != null) {
                    server.close();
                }
                director.close();
                return 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AdminServer endpoint = server;
        Path written = token;
        Path dump = dumpFile != null ? dumpFile : StatusDocument.defaultDumpFile();
        AdminHandover admin = new AdminHandover();
        admin.closeWhenSucceeded(director, endpoint);
        director.handedOver().thenRun(() -> {
            out.println("lvs4j director: handed over to a successor and drained; exiting");
            out.flush();
            stopped.countDown();
        });
        Thread hook = new Thread(() -> {
            admin.closeAtStop(endpoint, written);
            director.stop(stopGrace(director.config())).toCompletableFuture().join();
            out.print(director.status());
            out.flush();
            stopped.countDown();
        }, "lvs4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.on("HUP", () -> new Thread(() -> {
            try {
                out.println("lvs4j director: reloaded " + file + ": " + reloader.reload());
            } catch (RuntimeException e) { // the reloader turns everything, Errors included, into this
                out.println("lvs4j director: reload refused: " + e.getMessage());
            }
            out.flush();
        }, "lvs4j-sighup").start());
        Signals.on("USR1", () -> {
            try {
                StatusDocument.dump(director, dump);
                out.println("lvs4j director: wrote the state to " + dump);
            } catch (IOException | RuntimeException e) {
                out.println("lvs4j director: cannot write the state to " + dump + ": " + e);
            }
            out.flush();
        });
        Signals.on("USR2", () -> {
            out.print(director.status());
            out.flush();
        });
        out.println("lvs4j director " + config.routerId() + ": " + config.services().size()
                + (config.services().size() == 1 ? " virtual service, " : " virtual services, ")
                + config.instances().size() + (config.instances().size() == 1 ? " VRRP instance" : " VRRP instances")
                + (endpoint == null ? "; no admin endpoint" : "; admin on http://"
                + Addresses.format(endpoint.address()) + " (token in " + written + ")")
                + "; SIGHUP reloads, SIGTERM stops");
        out.flush();
        stopped.await();
        return 0;
    }
}
