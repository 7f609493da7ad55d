package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Two directors fed by one ZooKeeper registry serve at once and send every client to the same real server, before
 * and after a real server leaves.
 */
class ActiveActiveDirectorTest extends LoopbackExample {

    @Test
    void bothDirectorsSendEachClientToTheSameRealServer() throws Exception {
        TestingServer zooKeeper = closing(new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 100, -1,
                Map.of("clientPortAddress", "127.0.0.1")), true));
        String connect = zooKeeper.getConnectString();
        int port = freePort();
        ActiveActiveDirector a = closing(ActiveActiveDirector.start(
                new InetSocketAddress(InetAddress.getByName("127.0.0.11"), port), connect, "a"));
        ActiveActiveDirector b = closing(ActiveActiveDirector.start(
                new InetSocketAddress(InetAddress.getByName("127.0.0.12"), port), connect, "b"));
        Registration one = closing(ActiveActiveDirector.register(http("one", 0).address(), connect, 1));
        closing(ActiveActiveDirector.register(http("two", 0).address(), connect, 1));
        closing(ActiveActiveDirector.register(http("three", 0).address(), connect, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> realServers(a) == 3 && realServers(b) == 3
                && a.directors().equals(Set.of("a", "b")) && b.directors().equals(Set.of("a", "b")));

        Set<String> used = agreeOnEveryClient(a, b);
        assertThat(used).containsExactlyInAnyOrder("served by one", "served by two", "served by three");

        closeNow(one); // one leaves the registry: both directors stop using it, and still agree
        await().atMost(Duration.ofSeconds(10)).until(() -> realServers(a) == 2 && realServers(b) == 2);
        assertThat(agreeOnEveryClient(a, b)).containsExactlyInAnyOrder("served by two", "served by three");
    }

    /**
     * Sends 30 clients (as many source addresses: {@code mh} hashes the client's address) through both directors;
     * asserts each got the same real server from both, and returns the servers used.
     */
    private static Set<String> agreeOnEveryClient(ActiveActiveDirector a, ActiveActiveDirector b) throws Exception {
        Set<String> used = new HashSet<>();
        for (int i = 1; i <= 30; i++) {
            InetAddress client = InetAddress.getByName("127.0.1." + i);
            String viaA = get(listen(a), client);
            assertThat(get(listen(b), client)).as("client %s", client).isEqualTo(viaA);
            used.add(viaA);
        }
        return used;
    }

    private static InetSocketAddress listen(ActiveActiveDirector d) {
        return d.director().virtualServices().get(0).address();
    }

    private static int realServers(ActiveActiveDirector d) {
        VirtualService service = d.director().virtualServices().get(0);
        return service.realServers().size();
    }
}
