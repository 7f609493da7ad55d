package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.event.CheckCompleted;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthEvent;
import io.lvs4j.api.health.HealthMonitor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The keepalived/HAProxy check loop on a hand-driven timer: exact counts, no sleeps. */
class HealthMonitorTest {

    private static final Duration LOOP = Duration.ofSeconds(2);

    private final ManualTimer timer = new ManualTimer();
    private final Map<RealServer, List<Boolean>> script = new HashMap<>();
    private final Map<RealServer, AtomicInteger> checks = new HashMap<>();
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();

    /** A check that answers each real server from its script, repeating the last answer. */
    private CheckFactory scripted() {
        return (vs, rs) -> target -> {
            int n = checks.computeIfAbsent(target, t -> new AtomicInteger()).getAndIncrement();
            List<Boolean> answers = script.getOrDefault(target, List.of(true));
            boolean up = answers.get(Math.min(n, answers.size() - 1));
            return CompletableFuture.completedFuture(up ? CheckResult.up() : CheckResult.down("scripted failure"));
        };
    }

    private HealthMonitor monitor(HealthMonitorConfig.Builder config) {
        HealthMonitor m = HealthMonitors.create(config.delayLoop(LOOP).build(), scripted(), timer, () -> 0);
        m.onEvent(events::add);
        return m;
    }

    private static List<Boolean> answers(String pattern) { // "+" passes, "-" fails
        List<Boolean> list = new ArrayList<>();
        for (char c : pattern.toCharArray()) {
            list.add(c == '+');
        }
        return list;
    }

    @Test
    void aDeadServerGoesDownAfterExactlyFallFailedChecksAndBackAfterRise() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("++---" + "--" + "++"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0).fall(3).rise(2));
        m.watch(vs);
        timer.advance(Duration.ZERO); // first check (warm-up 0): pass
        timer.advance(LOOP); // pass
        timer.advance(LOOP.multipliedBy(2)); // two failures
        assertThat(rs.state()).isEqualTo(RealServerState.UP);
        timer.advance(LOOP); // third failure in a row
        assertThat(rs.state()).isEqualTo(RealServerState.DOWN);
        assertThat(checks.get(rs).get()).isEqualTo(5);
        timer.advance(LOOP.multipliedBy(3)); // two more failures, then the first pass
        assertThat(rs.state()).isEqualTo(RealServerState.DOWN);
        timer.advance(LOOP); // second pass in a row
        assertThat(rs.state()).isEqualTo(RealServerState.UP);
        // one real server of weight 1 and the default quorum of 1: its fall and rise move the quorum too
        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("RealServerDown", "QuorumLost", "RealServerUp", "QuorumUp");
    }

    @Test
    void detectionTakesFallTimesTheDelayLoop() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("+-")); // dies after the first check
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0).fall(3));
        m.watch(vs);
        timer.advance(Duration.ZERO);
        Duration elapsed = Duration.ZERO;
        while (rs.state() == RealServerState.UP) {
            timer.advance(Duration.ofMillis(100));
            elapsed = elapsed.plusMillis(100);
        }
        assertThat(elapsed).isEqualTo(LOOP.multipliedBy(3));
    }

    @Test
    void aFlappingServerCausesNoTransitionWithRise2Fall3() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0).fall(3).rise(2));
        m.watch(vs);
        timer.advance(LOOP.multipliedBy(40));
        assertThat(checks.get(rs).get()).isEqualTo(41);
        assertThat(events).isEmpty();
        assertThat(rs.state()).isEqualTo(RealServerState.UP);
    }

    @Test
    void aFailureThatPassesOnRetryDoesNotCount() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("-+-+-+" + "---"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(1).delayBeforeRetry(Duration.ofMillis(500))
                .fall(1));
        m.watch(vs);
        timer.advance(Duration.ZERO); // fail
        timer.advance(Duration.ofMillis(500)); // retry passes
        timer.advance(LOOP); // fail
        timer.advance(Duration.ofMillis(500)); // retry passes
        timer.advance(LOOP.plus(Duration.ofMillis(500))); // fail, retry passes
        assertThat(rs.state()).isEqualTo(RealServerState.UP);
        timer.advance(LOOP); // fail
        timer.advance(Duration.ofMillis(500)); // retry fails: counted
        assertThat(rs.state()).isEqualTo(RealServerState.DOWN);
    }

    @Test
    void alphaStartsDownUntilTheFirstPasses() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("-+"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0).alpha(true));
        m.watch(vs);
        assertThat(rs.state()).isEqualTo(RealServerState.DOWN);
        timer.advance(Duration.ZERO);
        assertThat(rs.state()).isEqualTo(RealServerState.DOWN);
        timer.advance(LOOP);
        assertThat(rs.state()).isEqualTo(RealServerState.UP);
    }

    @Test
    void inhibitOnFailureQuiescesInsteadOfRemovingAndRestoresTheWeight() {
        RealServer rs = RealServer.of("10.0.0.2", 80, 7);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("-+"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0).inhibitOnFailure(true));
        m.watch(vs);
        timer.advance(Duration.ZERO);
        assertThat(rs.state()).isEqualTo(RealServerState.UP);
        assertThat(rs.weight()).isZero();
        timer.advance(LOOP);
        assertThat(rs.weight()).isEqualTo(7);
    }

    @Test
    void aDynamicWeightFromTheCheckIsApplied() {
        RealServer rs = RealServer.of("10.0.0.2", 80, 1);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        HealthMonitor m = HealthMonitors.create(HealthMonitorConfig.builder().delayLoop(LOOP).build(),
                (service, server) -> target -> CompletableFuture.completedFuture(CheckResult.up(42)), timer, () -> 0);
        m.watch(vs);
        timer.advance(Duration.ZERO);
        assertThat(rs.weight()).isEqualTo(42);
    }

    @Test
    void quorumIsLostBelowQuorumMinusHysteresisAndRegainedAtQuorumPlusHysteresis() {
        RealServer a = RealServer.of("10.0.0.2", 80);
        RealServer b = RealServer.of("10.0.0.3", 80);
        RealServer c = RealServer.of("10.0.0.4", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).quorum(2).hysteresis(1)
                .realServer(a).realServer(b).realServer(c).build();
        script.put(a, answers("+-" + "----" + "+"));
        script.put(b, answers("++-" + "---" + "+"));
        script.put(c, answers("+++" + "+++" + "+"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0));
        m.watch(vs);
        timer.advance(Duration.ZERO);
        assertThat(m.hasQuorum(vs)).isTrue();
        timer.advance(LOOP); // a down: live 2, not < 2 - 1
        assertThat(m.hasQuorum(vs)).isTrue();
        timer.advance(LOOP); // b down: live 1, not < 1
        assertThat(m.hasQuorum(vs)).isTrue();
        c.setWeight(0); // an operator quiesces c: the next check sees live weight 0 < 1
        timer.advance(LOOP);
        assertThat(m.hasQuorum(vs)).isFalse();
        c.setWeight(1);
        timer.advance(LOOP.multipliedBy(3)); // a and b pass again at the end of their scripts
        assertThat(a.state()).isEqualTo(RealServerState.UP);
        assertThat(m.hasQuorum(vs)).isTrue(); // live 3 >= 2 + 1
        assertThat(events).filteredOn(e -> e instanceof HealthEvent.QuorumLost).hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof HealthEvent.QuorumUp).hasSize(1);
    }

    @Test
    void quorumEventsReportTheWholeLiveWeightThoughTheCheckStopsCountingAtTheQuorum() {
        RealServer a = RealServer.builder(new InetSocketAddress("10.0.0.2", 80)).weight(3).build();
        RealServer b = RealServer.of("10.0.0.3", 80);
        RealServer c = RealServer.of("10.0.0.4", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).quorum(3).realServer(a).realServer(b)
                .realServer(c).build();
        script.put(a, answers("--+"));
        script.put(b, answers("-++"));
        script.put(c, answers("-++"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(0).fall(1).rise(1));
        m.watch(vs);
        timer.advance(Duration.ZERO); // all three fail
        assertThat(m.hasQuorum(vs)).isFalse();
        timer.advance(LOOP); // b and c pass: live 2 < 3
        assertThat(m.hasQuorum(vs)).isFalse();
        timer.advance(LOOP); // a passes: live 3 reaches the quorum, and the event says 5, not where counting stopped
        assertThat(m.hasQuorum(vs)).isTrue();
        assertThat(events).filteredOn(e -> e instanceof HealthEvent.QuorumLost).singleElement()
                .satisfies(e -> assertThat(((HealthEvent.QuorumLost) e).liveWeight()).isLessThan(3));
        assertThat(events).filteredOn(e -> e instanceof HealthEvent.QuorumUp).singleElement()
                .satisfies(e -> assertThat(((HealthEvent.QuorumUp) e).liveWeight()).isEqualTo(5));
    }

    @Test
    void unwatchStopsTheChecksAndRewatchKeepsRunningCheckers() {
        RealServer a = RealServer.of("10.0.0.2", 80);
        RealServer b = RealServer.of("10.0.0.3", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(a).build();
        HealthMonitor m = monitor(HealthMonitorConfig.builder());
        m.watch(vs);
        timer.advance(LOOP.multipliedBy(2));
        m.watch(vs.toBuilder().realServer(b).build());
        timer.advance(LOOP);
        assertThat(checks.get(a).get()).isEqualTo(4);
        assertThat(checks.get(b).get()).isEqualTo(2);
        m.unwatch(vs);
        timer.advance(LOOP.multipliedBy(5));
        assertThat(checks.get(a).get()).isEqualTo(4);
        assertThat(timer.pending()).isZero();
        m.close();
    }

    @Test
    void jitterLengthensEachLoopByAtMostTheJitter() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        HealthMonitor m = monitor(HealthMonitorConfig.builder().jitter(Duration.ofSeconds(1)));
        m.watch(vs);
        timer.advance(Duration.ZERO); // first check
        timer.advance(LOOP.minusMillis(1));
        assertThat(checks.get(rs).get()).isEqualTo(1); // never earlier than the delay loop
        timer.advance(Duration.ofSeconds(1).plusMillis(1));
        assertThat(checks.get(rs).get()).isEqualTo(2); // never later than loop + jitter
    }

    @Test
    void connectToProbesAnotherAddressForTheRealServer() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        List<InetSocketAddress> probed = new CopyOnWriteArrayList<>();
        CheckFactory recording = (service, server) -> target -> {
            probed.add(target.address());
            return CompletableFuture.completedFuture(CheckResult.down("probe says no"));
        };
        HealthMonitor m = HealthMonitors.create(HealthMonitorConfig.builder().retry(0).delayLoop(LOOP).build(),
                CheckFactory.connectTo(new InetSocketAddress("10.0.0.2", 8081), recording), timer, () -> 0);
        m.watch(vs);
        timer.advance(Duration.ZERO);
        assertThat(probed).containsExactly(new InetSocketAddress("10.0.0.2", 8081));
        assertThat(rs.state()).isEqualTo(RealServerState.DOWN); // the outcome applies to the server
    }

    @Test
    void badSettingsAreRejectedNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> HealthMonitorConfig.builder().fall(0))
                .withMessage("fall must be >= 1 but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> HealthMonitorConfig.builder().rise(-1))
                .withMessage("rise must be >= 1 but was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> HealthMonitorConfig.builder().retry(-1))
                .withMessage("retry must be >= 0 but was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> HealthMonitorConfig.builder().delayLoop(Duration.ZERO))
                .withMessage("delayLoop must be >= 1ms but was PT0S");
    }

    @Test
    void eachRealServerRunsOnItsOwnSettingsAndAChangedAnswerAppliesFromTheNextCheck() {
        RealServer fast = RealServer.of("10.0.0.2", 80);
        RealServer slow = RealServer.of("10.0.0.3", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(fast).realServer(slow).build();
        script.put(fast, answers("-"));
        script.put(slow, answers("-"));
        Map<RealServer, HealthMonitorConfig> settings = new ConcurrentHashMap<>();
        settings.put(fast, HealthMonitorConfig.builder().delayLoop(Duration.ofSeconds(1)).retry(0).fall(2).build());
        settings.put(slow, HealthMonitorConfig.builder().delayLoop(Duration.ofSeconds(5)).retry(0).fall(2).build());
        HealthMonitor m = HealthMonitors.create((service, rs) -> settings.get(rs), scripted(), timer, () -> 0);
        m.watch(vs);
        timer.advance(Duration.ZERO); // both: first failure
        timer.advance(Duration.ofSeconds(1)); // fast: second failure
        assertThat(fast.state()).isEqualTo(RealServerState.DOWN);
        assertThat(slow.state()).isEqualTo(RealServerState.UP);
        assertThat(checks.get(slow).get()).isEqualTo(1);
        // a reload shortens slow's loop: its next check is still 5 s after the last, then every second
        settings.put(slow, HealthMonitorConfig.builder().delayLoop(Duration.ofSeconds(1)).retry(0).fall(3).build());
        timer.advance(Duration.ofSeconds(4)); // t = 5 s: slow's second failure, fall is now 3
        assertThat(checks.get(slow).get()).isEqualTo(2);
        assertThat(slow.state()).isEqualTo(RealServerState.UP);
        timer.advance(Duration.ofSeconds(1)); // t = 6 s: third failure
        assertThat(checks.get(slow).get()).isEqualTo(3);
        assertThat(slow.state()).isEqualTo(RealServerState.DOWN);
        m.close();
    }

    @Test
    void everyCheckRetriesIncludedIsPublishedWithItsResultCauseAndLatencyUntilTheListenerLeaves() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        script.put(rs, answers("-+-"));
        HealthMonitor m = monitor(HealthMonitorConfig.builder().retry(1).delayBeforeRetry(Duration.ofMillis(500))
                .fall(1));
        List<CheckCompleted> seen = new CopyOnWriteArrayList<>();
        Registration listening = m.onCheck(seen::add);
        m.watch(vs);
        timer.advance(Duration.ZERO); // fails
        timer.advance(Duration.ofMillis(500)); // the retry passes
        assertThat(seen).extracting(CheckCompleted::passed).containsExactly(false, true);
        assertThat(seen).allSatisfy(c -> {
            assertThat(c.realServer()).isSameAs(rs);
            assertThat(c.service()).isSameAs(vs);
            assertThat(c.latency()).isGreaterThanOrEqualTo(Duration.ZERO);
        });
        assertThat(seen.get(0).detail()).contains("scripted failure");
        assertThat(rs.state()).as("a failure retried into a pass changes nothing").isEqualTo(RealServerState.UP);

        listening.close();
        timer.advance(LOOP);
        assertThat(checks.get(rs).get()).isEqualTo(3);
        assertThat(seen).as("nobody listens any more").hasSize(2);
        m.close();
    }

    @Test
    void aChecksLatencyRunsFromItsStartToItsResult() {
        RealServer rs = RealServer.of("10.0.0.2", 80);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).realServer(rs).build();
        CompletableFuture<CheckResult> answer = new CompletableFuture<>();
        long[] asked = new long[1];
        HealthMonitor m = HealthMonitors.create(HealthMonitorConfig.builder().delayLoop(LOOP).build(),
                (service, server) -> target -> {
                    asked[0] = System.nanoTime();
                    return answer;
                }, timer, () -> 0);
        List<CheckCompleted> seen = new CopyOnWriteArrayList<>();
        m.onCheck(seen::add);
        m.watch(vs);
        timer.advance(Duration.ZERO);
        assertThat(seen).as("not before its result").isEmpty();
        long spin = System.nanoTime();
        while (System.nanoTime() - spin < Duration.ofMillis(20).toNanos()) {
            Thread.onSpinWait(); // the check takes at least 20 ms
        }
        long answered = System.nanoTime();
        answer.complete(CheckResult.down("HTTP 503"));
        assertThat(seen).singleElement().satisfies(c -> {
            assertThat(c.passed()).isFalse();
            assertThat(c.detail()).isEqualTo("HTTP 503");
            assertThat(c.latency().toNanos()).isGreaterThanOrEqualTo(answered - asked[0])
                    .isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
        });
        m.close();
    }
}
