package io.lvs4j.examples.cli;

import io.lvs4j.keepalived.DirectorMetrics;
import io.lvs4j.keepalived.KeepalivedDirector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lvs4j} command, in one executable jar: directors (from flags or from a keepalived.conf), the clients of
 * their admin endpoint, a demo real server, a load generator and the reference experiment. The package documentation
 * lists the subcommands.
 *
 * <p>Exit codes: 0 success; 1 the command failed (a director that could not start, a refused admin call); 2 a usage
 * error (an unknown option, a bad value: one line naming the option and the value); 3 the director's admin endpoint
 * could not be reached (no director there, or no token for it).
 */
@Command(name = "lvs4j",
        mixinStandardHelpOptions = true,
        versionProvider = Lvs4jCommand.Version.class,
        description = "Linux Virtual Server and keepalived in user space: a load-balancing director, "
                + "health checks and failover on any OS.",
        subcommands = {ForwardCommand.class, DirectorCommand.class, AdminCommands.Status.class,
            AdminCommands.Weight.class, AdminCommands.Drain.class, AdminCommands.Disable.class,
            AdminCommands.Enable.class, AdminCommands.Reload.class, RealServerCommand.class, LoadCommand.class,
            DemoCommand.class, CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class})
public final class Lvs4jCommand implements Runnable {

    /** The exit code of a usage error, picocli's default. */
    static final int EXIT_USAGE = 2;

    /** The exit code when the director's admin endpoint cannot be reached. */
    static final int EXIT_UNREACHABLE = 3;

    private static final String LOG_LEVEL_OPTION = "--log-level";

    /** The SLF4J simple logger's switch; read when the first logger is made, so {@link #main} sets it first. */
    static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Option(names = LOG_LEVEL_OPTION, paramLabel = "LEVEL", scope = ScopeType.INHERIT,
            description = "Log level: error, warn, info, debug or trace. Default: info. Logs go to standard error "
                    + "with an ISO-8601 timestamp and the thread.")
    void logLevel(String level) {
        // Already applied by main() before any logger existed; here it is only checked.
        checkedLevel(level);
    }

    @CommandLine.Spec
    @SuppressWarnings("NullAway.Init")
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        applyLogLevel(args);
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, for tests and embedding. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Lvs4jCommand());
        cl.setParameterExceptionHandler(Lvs4jCommand::usageError);
        return cl;
    }

    /**
     * A usage error is one line naming the option and the value, and where to read more, as git does: the whole
     * usage would bury the line that matters.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getColorScheme().errorText("lvs4j: " + e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return EXIT_USAGE;
    }

    /**
     * Sets the simple logger's level from {@code --log-level} before any logger is made: the simple logger reads its
     * configuration once. A bad value is left for the parser to report.
     */
    static void applyLogLevel(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String value = null;
            if (args[i].equals(LOG_LEVEL_OPTION) && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith(LOG_LEVEL_OPTION + "=")) {
                value = args[i].substring(LOG_LEVEL_OPTION.length() + 1);
            }
            if (value != null && isLevel(value)) {
                System.setProperty(SIMPLE_LOGGER_LEVEL, value.toLowerCase(Locale.ROOT));
            }
        }
    }

    private static boolean isLevel(String level) {
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "error", "warn", "info", "debug", "trace" -> true;
            default -> false;
        };
    }

    private void checkedLevel(String level) {
        if (!isLevel(level)) {
            throw new CommandLine.ParameterException(spec.commandLine(), LOG_LEVEL_OPTION
                    + " must be error, warn, info, debug or trace but was '" + level + "'");
        }
    }

    /** With no subcommand, print the usage and fail, as most tools do. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The project version, read from the jar's filtered resource; {@code unknown} when it is missing. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Lvs4jCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /**
     * The admin endpoint's metrics of a director this command runs: the director's, and (the process being ours) the
     * JVM's and the process's meters and {@code lvs4j_build_info}.
     */
    static DirectorMetrics metrics(KeepalivedDirector director) {
        return new DirectorMetrics(director).withProcessMeters(version());
    }

    /** The project version, read from the jar's filtered resource. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lvs4j " + version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
