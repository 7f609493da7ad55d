package io.lvs4j.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lvs4j} command, in one executable jar: directors (from flags or from a keepalived.conf), the clients of
 * their admin endpoint, a demo real server, a load generator and the reference experiment. The package documentation
 * lists the subcommands.
 */
@Command(name = "lvs4j",
        mixinStandardHelpOptions = true,
        versionProvider = Lvs4jCommand.Version.class,
        description = "Linux Virtual Server and keepalived in user space: a load-balancing director, "
                + "health checks and failover on any OS.",
        subcommands = {ForwardCommand.class, DirectorCommand.class, AdminCommands.Status.class,
            AdminCommands.Weight.class, AdminCommands.Drain.class, AdminCommands.Disable.class,
            AdminCommands.Enable.class, AdminCommands.Reload.class, RealServerCommand.class, LoadCommand.class,
            DemoCommand.class, CommandLine.HelpCommand.class})
public final class Lvs4jCommand implements Runnable {

    @CommandLine.Spec
    @SuppressWarnings("NullAway.Init")
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, for tests and embedding. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Lvs4jCommand());
    }

    /** With no subcommand, print the usage and fail, as most tools do. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The project version, read from the jar's filtered resource. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Lvs4jCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"lvs4j " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
