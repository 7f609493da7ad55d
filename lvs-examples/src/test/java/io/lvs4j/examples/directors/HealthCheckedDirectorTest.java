package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.RealServerState;
import io.lvs4j.examples.demo.DemoRealServer;
import io.lvs4j.forward.Director;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health checks take a hung server out; below the quorum the sorry server answers; a returning server restores it. */
class HealthCheckedDirectorTest extends LoopbackExample {

    @Test
    void aServerThatStopsAnsweringIsSkippedAndBelowTheQuorumClientsGoToTheSorryServer() throws Exception {
        int one = http("one", 0).address().getPort();
        int twoPort = freePort();
        DemoRealServer two = http("two", twoPort);
        DemoRealServer three = http("three", 0);
        int threePort = three.address().getPort();
        InetSocketAddress sorry = http("sorry", 0).address();
        InetSocketAddress listen = new InetSocketAddress(LOOPBACK, freePort());
        HealthCheckedDirector example = closing(HealthCheckedDirector.start(listen, List.of(
                new InetSocketAddress(LOOPBACK, one), new InetSocketAddress(LOOPBACK, twoPort),
                new InetSocketAddress(LOOPBACK, threePort)), sorry, Duration.ofMillis(100)));
        Director director = example.director();
        assertThat(served(listen, 6)).containsOnly(entry("served by one", 2), entry("served by two", 2),
                entry("served by three", 2));

        // two hangs: it still accepts connections (so the director could not tell by connecting) but never answers
        closeNow(two);
        ServerSocket hung = closing(new ServerSocket());
        hung.setReuseAddress(true);
        hung.bind(new InetSocketAddress(LOOPBACK, twoPort), 50);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(director, twoPort) == RealServerState.DOWN);
        // a request sent to two would time out and fail the test
        assertThat(served(listen, 10)).containsOnly(entry("served by one", 5), entry("served by three", 5));

        // three dies too: one alone is below the quorum of 2, so everyone gets the sorry page
        closeNow(three);
        await().atMost(Duration.ofSeconds(5)).until(() -> !example.hasQuorum());
        assertThat(served(listen, 4)).containsOnly(entry("served by sorry", 4));

        // two comes back and passes two checks in a row: quorum again, and the sorry server is out of the way
        closeNow(hung);
        http("two", twoPort);
        await().atMost(Duration.ofSeconds(5)).until(example::hasQuorum);
        assertThat(state(director, twoPort)).isEqualTo(RealServerState.UP);
        assertThat(served(listen, 4)).containsOnly(entry("served by one", 2), entry("served by two", 2));
    }
}
