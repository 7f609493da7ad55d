package io.lvs4j.api.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SchedulersTest {

    /** Registered in META-INF/services with a low priority. */
    public static final class LowFirst implements SchedulerProvider {
        @Override
        public String name() {
            return "First";
        }

        @Override
        public int priority() {
            return 1;
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            return new Named("low");
        }
    }

    /** Registered in META-INF/services with a high priority: it must win. */
    public static final class HighFirst implements SchedulerProvider {
        @Override
        public String name() {
            return "first";
        }

        @Override
        public int priority() {
            return 10;
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            config.requireKnown("first", Set.of("first-flag"), Set.of("size"));
            return new Named("high");
        }
    }

    record Named(String name) implements Scheduler {
        @Override
        public void update(List<RealServer> realServers) {
        }

        @Override
        public @Nullable RealServer pick(Flow flow) {
            return null;
        }
    }

    @Test
    void highestPriorityProviderWinsPerNameCaseInsensitively() {
        assertThat(Schedulers.names()).contains("first");
        assertThat(Schedulers.create("FIRST").name()).isEqualTo("high");
    }

    @Test
    void unknownSchedulerListsTheKnownOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Schedulers.create("nope"))
                .withMessageStartingWith("unknown scheduler 'nope'; known schedulers: ")
                .withMessageContaining("first");
    }

    @Test
    void unknownFlagsAndOptionsAreRejectedNamingThem() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Schedulers.create("first", SchedulerConfig.builder().flag("sh-port").build()))
                .withMessage("scheduler first has no flag 'sh-port'; known flags: [first-flag]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Schedulers.create("first", SchedulerConfig.builder().option("x", "1").build()))
                .withMessage("scheduler first has no option 'x'; known options: [size]");
    }

    @Test
    void optionsParseAndNameTheBadValue() {
        SchedulerConfig c = SchedulerConfig.builder().option("size", "65537").option("bad", "12a").build();
        assertThat(c.intOption("size", 4093)).isEqualTo(65537);
        assertThat(c.intOption("missing", 4093)).isEqualTo(4093);
        assertThatIllegalArgumentException().isThrownBy(() -> c.intOption("bad", 1))
                .withMessage("scheduler option bad must be an integer but was '12a'");
    }
}
