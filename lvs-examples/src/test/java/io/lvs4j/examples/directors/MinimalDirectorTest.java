package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.lvs4j.api.RealServer;
import io.lvs4j.forward.Director;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "director in twenty lines": weighted spreading, and quiescing a real server at run time. */
class MinimalDirectorTest extends LoopbackExample {

    @Test
    void newConnectionsFollowTheWeightsAndAQuiescentServerKeepsItsConnectionsButGetsNoNewOnes() throws Exception {
        RealServer a = RealServer.of("127.0.0.1", http("a", 0).address().getPort(), 3);
        RealServer b = RealServer.of("127.0.0.1", http("b", 0).address().getPort(), 1);
        InetSocketAddress listen = new InetSocketAddress(LOOPBACK, freePort());
        Director director = closing(MinimalDirector.start(listen, List.of(a, b)));

        assertThat(served(listen, 40)).containsOnly(entry("served by a", 30), entry("served by b", 10));

        // four kept-alive connections: one of every four goes to b
        Socket toB = null;
        for (int i = 0; i < 4; i++) {
            Socket s = closing(new Socket(listen.getAddress(), listen.getPort()));
            if (get(s, true).equals("served by b")) {
                toB = s;
            }
        }
        assertThat(toB).isNotNull();
        b.setWeight(0);
        assertThat(served(listen, 8)).containsOnly(entry("served by a", 8));
        assertThat(get(toB, true)).as("b's own connection carries on").isEqualTo("served by b");
        assertThat(director.statistics().get(0).realServers()).extracting(r -> r.weight()).containsExactly(3, 0);
    }
}
