package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** {@link CheckFactory#allOf}: keepalived's several checkers on one real server must all pass. */
class AllOfTest {

    private final VirtualService service = VirtualService.tcp("10.0.0.1", 80).build();
    private final RealServer real = RealServer.of("10.0.1.1", 80);

    private static CheckFactory answering(CheckResult result) {
        return CheckFactory.always(rs -> CompletableFuture.completedFuture(result));
    }

    private CheckResult run(CheckFactory factory) {
        return factory.checkFor(service, real).check(real).toCompletableFuture().join();
    }

    @Test
    void upOnlyWhenEveryCheckIsUp() {
        assertThat(run(CheckFactory.allOf(List.of(answering(CheckResult.up()), answering(CheckResult.up())))))
                .isEqualTo(CheckResult.up());
        assertThat(run(CheckFactory.allOf(List.of(answering(CheckResult.up()), answering(CheckResult.down("HTTP 503")),
                answering(CheckResult.down("refused")))))).isEqualTo(CheckResult.down("HTTP 503"));
    }

    @Test
    void anExceptionalCheckCountsAsDown() {
        CheckFactory throwing = CheckFactory.always(rs -> CompletableFuture.failedFuture(new IllegalStateException()));
        assertThat(run(CheckFactory.allOf(List.of(answering(CheckResult.up()), throwing))))
                .isEqualTo(CheckResult.down("check failed"));
    }

    @Test
    void everyCheckRunsAtOnceAndTheResultWaitsForTheSlowest() {
        CompletableFuture<CheckResult> slow = new CompletableFuture<>();
        List<String> ran = new ArrayList<>();
        HealthCheck first = rs -> {
            ran.add("first");
            return slow;
        };
        HealthCheck second = rs -> {
            ran.add("second");
            return CompletableFuture.completedFuture(CheckResult.up());
        };
        CompletionStage<CheckResult> result = CheckFactory.allOf(List.of(CheckFactory.always(first),
                CheckFactory.always(second))).checkFor(service, real).check(real);
        assertThat(ran).containsExactly("first", "second");
        assertThat(result.toCompletableFuture()).isNotDone();
        slow.complete(CheckResult.down("timed out"));
        assertThat(result.toCompletableFuture().join()).isEqualTo(CheckResult.down("timed out"));
    }

    @Test
    void noCheckAlwaysPassesAndOneCheckKeepsItsWeight() {
        assertThat(run(CheckFactory.allOf(List.of()))).isEqualTo(CheckResult.up());
        assertThat(run(CheckFactory.allOf(List.of(answering(CheckResult.up(7)))))).isEqualTo(CheckResult.up(7));
    }

    @Test
    void eachFactoryIsAskedForTheRealServerBeingChecked() {
        List<RealServer> asked = new ArrayList<>();
        CheckFactory recording = (s, r) -> {
            asked.add(r);
            return rs -> CompletableFuture.completedFuture(CheckResult.up());
        };
        CheckFactory.allOf(List.of(recording, recording)).checkFor(service, real);
        assertThat(asked).containsExactly(real, real);
    }
}
