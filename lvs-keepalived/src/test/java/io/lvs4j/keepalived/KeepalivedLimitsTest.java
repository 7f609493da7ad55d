package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.keepalived.internal.ConfigParser;
import io.lvs4j.keepalived.internal.ConfigSchema;
import io.lvs4j.keepalived.spec.Instance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lvs4j block's director limits: max_flows and max_conns. */
class KeepalivedLimitsTest {

    @TempDir
    Path dir;

    private static final String INSTANCE = "vrrp_instance VI {\n virtual_router_id 1\n interface lo\n"
            + " unicast_src_ip 127.0.0.1\n unicast_peer {\n  127.0.0.2\n }\n lvs4j {\n  insecure\n%s }\n}\n";

    @Test
    void theLimitsReachTheInstance() throws Exception {
        Path conf = dir.resolve("k.conf");
        Files.writeString(conf, INSTANCE.formatted("  max_flows 300\n  max_conns 40\n"));
        KeepalivedConfig.Result r = KeepalivedConfig.load(conf);
        assertThat(r.problems()).noneMatch(ConfigProblem::error);
        Instance i = r.config().instances().get(0);
        assertThat(i.maxFlows()).isEqualTo(300);
        assertThat(i.maxConnections()).isEqualTo(40);
        Files.writeString(conf, INSTANCE.formatted(""));
        Instance defaults = KeepalivedConfig.load(conf).config().instances().get(0);
        assertThat(defaults.maxFlows()).isZero(); // the director's default, from the descriptor limit
        assertThat(defaults.maxConnections()).isZero();
    }

    @Test
    void aLimitOutOfRangeIsAnErrorAtItsLine() throws Exception {
        List<String> errors = ConfigSchema.check(ConfigParser.parse("test.conf",
                        INSTANCE.formatted("  max_flows 0\n  max_conns many\n"))).stream()
                .filter(ConfigProblem::error).map(Object::toString).toList();
        assertThat(errors).anyMatch(e -> e.startsWith("test.conf:10:") && e.contains("max_flows")
                && e.contains("must be a whole number 1..2147483647 but was '0'"));
        assertThat(errors).anyMatch(e -> e.startsWith("test.conf:11:") && e.contains("max_conns")
                && e.contains("but was 'many'"));
    }
}
