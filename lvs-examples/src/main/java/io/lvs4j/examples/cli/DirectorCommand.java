package io.lvs4j.examples.cli;

import io.lvs4j.examples.keepalived.ConfigException;
import io.lvs4j.examples.keepalived.ConfigNode;
import io.lvs4j.examples.keepalived.ConfigParser;
import io.lvs4j.examples.keepalived.ConfigSchema;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j director}: a keepalived.conf in Java. Today it validates a file ({@code --check}, like
 * {@code keepalived -t}); running one is the next step of issue 8.
 */
@Command(name = "director", mixinStandardHelpOptions = true,
        description = {"Read a keepalived.conf (blocks, # and ! comments, quoted strings, include with globs).",
            "--check validates it and prints the resolved configuration, binding nothing and sending nothing: "
                    + "exit 0 when valid, 1 when not. Running a file is not built yet: use lvs4j forward."})
final class DirectorCommand implements Callable<Integer> {

    /** The exit status of a part that is not built yet. */
    static final int NOT_BUILT = 3;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", required = true,
            description = "The configuration file.")
    Path file = Path.of("/etc/keepalived/keepalived.conf");

    @Option(names = {"-t", "--check"}, description = "Validate the file and print it resolved; start nothing.")
    boolean check;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ConfigNode> nodes;
        try {
            nodes = ConfigParser.parse(file);
        } catch (ConfigException e) {
            err.println("lvs4j director: " + e.getMessage());
            return 1;
        }
        List<ConfigSchema.Problem> problems = ConfigSchema.check(nodes);
        problems.forEach(p -> err.println(p));
        long errors = problems.stream().filter(ConfigSchema.Problem::error).count();
        if (errors > 0) {
            err.println("lvs4j director: " + file + " is not valid (" + errors + (errors == 1 ? " error" : " errors")
                    + "); nothing was started");
            return 1;
        }
        if (check) {
            print(nodes, out, "");
            out.println("# " + file + " is valid" + (problems.isEmpty() ? "" : " (" + problems.size()
                    + (problems.size() == 1 ? " warning)" : " warnings)")));
            out.flush();
            return 0;
        }
        err.println("lvs4j director: running a keepalived.conf is not built yet; " + file + " is valid ('lvs4j "
                + "director --check -f FILE' prints it). Meanwhile 'lvs4j forward' runs a director.");
        return NOT_BUILT;
    }

    private static void print(List<ConfigNode> nodes, PrintWriter out, String indent) {
        for (ConfigNode n : nodes) {
            StringBuilder line = new StringBuilder(indent).append(n.keyword());
            for (ConfigNode.Arg a : n.args()) {
                String t = a.text();
                boolean quote = t.isEmpty() || t.chars().anyMatch(c -> " \t{}#!\"".indexOf(c) >= 0);
                line.append(' ').append(quote ? '"' + t.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : t);
            }
            if (n.children() == null) {
                out.println(line);
            } else {
                out.println(line.append(" {"));
                print(n.block(), out, indent + "    ");
                out.println(indent + "}");
            }
        }
    }
}
