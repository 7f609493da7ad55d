package io.lvs4j.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lvs4j demo}: the reference experiment. Not built yet; it says so and fails. */
@Command(name = "demo", description = "Run the reference experiment (single server vs. cluster, then failures).")
final class DemoCommand implements Callable<Integer> {

    /** The exit status of a command that is not built yet. */
    static final int NOT_BUILT = 3;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("lvs4j demo is not built yet: the reference experiment (single server "
                + "against a cluster, then a real-server and a director failure) is still to come. Meanwhile, "
                + "'lvs4j forward' runs a director.");
        return NOT_BUILT;
    }
}
