package io.lvs4j.keepalived;

import io.lvs4j.keepalived.internal.ConfigNode;
import io.lvs4j.keepalived.internal.ConfigParser;
import io.lvs4j.keepalived.internal.ConfigSchema;
import io.lvs4j.keepalived.internal.KeepalivedTranslator;
import io.lvs4j.keepalived.spec.DirectorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The keepalived.conf front end: reads a file into the {@link DirectorSpec} that a {@link KeepalivedDirector} runs.
 * {@link #load} parses, checks the keywords (the internal {@code ConfigSchema}) and then the meaning (unknown groups
 * and scripts, duplicate services, unreadable key files), and builds every object a start or a reload builds (real
 * servers with their thresholds, virtual services with their schedulers and flags, failover settings, tracked
 * scripts), each refusal an error at its place; a specification is returned only when no error was found.
 *
 * <p>Defaults are keepalived's where lvs4j has the same setting: {@code delay_loop} 60 s, {@code connect_timeout}
 * 5 s, {@code retry} 1, {@code delay_before_retry} 1 s, {@code persistence_timeout} without a value 360 s,
 * {@code advert_int} 1 s, {@code priority} 100, {@code garp_master_delay} 5 s and {@code garp_master_repeat} 5.
 */
public final class KeepalivedConfig {

    /**
     * The UDP port of an instance's adverts when its lvs4j block names none is this plus its virtual_router_id
     * (5101..5355): both nodes agree on it, and instances on one address do not collide.
     */
    public static final int FAILOVER_PORT_BASE = 5100;
    /** keepalived's default multicast group for VRRP adverts. */
    public static final String DEFAULT_MULTICAST_GROUP = "224.0.0.18";

    private KeepalivedConfig() {
    }

    /**
     * A file's problems (errors and warnings, in file order) and, when it has no error, its specification.
     *
     * @param config the specification, or {@code null} when the file has an error
     * @param problems every error and warning, in file order
     */
    public record Result(@Nullable DirectorSpec config, List<ConfigProblem> problems) {
        /** Copies the list. */
        public Result {
            problems = List.copyOf(problems);
        }

        /** The number of errors. */
        public long errors() {
            return problems.stream().filter(ConfigProblem::error).count();
        }

        /** The warnings. */
        public List<ConfigProblem> warnings() {
            return problems.stream().filter(p -> !p.error()).toList();
        }
    }

    /**
     * Reads {@code file} (and what it includes) and turns it into a specification.
     *
     * @throws ConfigException on a syntax error (an unclosed block or quote, a bad include)
     */
    public static Result load(Path file) throws ConfigException {
        return of(ConfigParser.parse(file));
    }

    /**
     * {@code file} as {@code keepalived -t} would show it: includes inlined, comments gone, canonically indented.
     *
     * @throws ConfigException on a syntax error (an unclosed block or quote, a bad include)
     */
    public static String resolved(Path file) throws ConfigException {
        return KeepalivedTranslator.render(ConfigParser.parse(file));
    }

    /** Turns parsed statements into a specification, or the errors that stop it. */
    static Result of(List<ConfigNode> nodes) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigSchema.check(nodes));
        if (problems.stream().anyMatch(ConfigProblem::error)) {
            return new Result(null, problems);
        }
        DirectorSpec spec = KeepalivedTranslator.translate(nodes, problems);
        return new Result(problems.stream().anyMatch(ConfigProblem::error) ? null : spec, problems);
    }
}
