package io.lvs4j.keepalived.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "did you mean" of an unknown keyword (moved here from KeepalivedConfigTest with the class). */
class ConfigSchemaTest {

    @Test
    void aMistypedKeywordIsNearItsNameAndANonsenseOneNearNothing() {
        assertThat(ConfigSchema.distance("lb_algoo", "lb_algo")).isEqualTo(1);
        assertThat(ConfigSchema.closest("zzzzzz", List.of("lb_algo", "delay_loop"))).isNull();
    }
}
