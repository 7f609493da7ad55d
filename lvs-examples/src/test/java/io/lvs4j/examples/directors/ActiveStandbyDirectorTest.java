package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.forward.Director;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only the master serves the virtual address; when it stops, the standby takes over, and gives way on its return. */
class ActiveStandbyDirectorTest extends LoopbackExample {

    private static final byte[] KEY = "thirty-two-bytes-of-example-key!".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theStandbyServesTheVirtualAddressWhileTheMasterIsGone() throws Exception {
        List<InetSocketAddress> realServers = List.of(http("one", 0).address(), http("two", 0).address());
        InetSocketAddress virtualAddress = new InetSocketAddress(LOOPBACK, freePort());
        InetSocketAddress nodeA = new InetSocketAddress(InetAddress.getByName("127.0.0.51"), freePort());
        InetSocketAddress nodeB = new InetSocketAddress(InetAddress.getByName("127.0.0.52"), freePort());

        Director a = closing(ActiveStandbyDirector.start(virtualAddress, realServers, nodeA, nodeB, 150, KEY));
        Director b = closing(ActiveStandbyDirector.start(virtualAddress, realServers, nodeB, nodeA, 100, KEY));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.isServing() && !b.isServing());
        // and it stays so: the standby hears the adverts and does not contend for the address
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> a.isServing() && !b.isServing());
        assertThat(get(virtualAddress)).startsWith("served by ");

        closeNow(a); // a graceful stop: the master resigns, so b need not wait for three adverts to be missed
        await().atMost(Duration.ofSeconds(5)).until(b::isServing);
        assertThat(get(virtualAddress)).startsWith("served by ");

        // a returns with the higher priority and takes the address back (VRRP preemption)
        Director again = closing(ActiveStandbyDirector.start(virtualAddress, realServers, nodeA, nodeB, 150, KEY));
        await().atMost(Duration.ofSeconds(5)).until(() -> again.isServing() && !b.isServing());
        assertThat(get(virtualAddress)).startsWith("served by ");
    }

    @Test
    void aDirectorWithAnotherKeyCannotTakeTheAddress() throws Exception {
        List<InetSocketAddress> realServers = List.of(http("one", 0).address());
        InetSocketAddress virtualAddress = new InetSocketAddress(LOOPBACK, freePort());
        InetSocketAddress nodeA = new InetSocketAddress(InetAddress.getByName("127.0.0.51"), freePort());
        InetSocketAddress nodeB = new InetSocketAddress(InetAddress.getByName("127.0.0.52"), freePort());
        Director a = closing(ActiveStandbyDirector.start(virtualAddress, realServers, nodeA, nodeB, 100, KEY));
        await().atMost(Duration.ofSeconds(5)).until(a::isServing);
        // an impostor with the top priority but not the group's key: its adverts are rejected, a stays master
        byte[] otherKey = "another-key-of-thirty-two-bytes!".getBytes(StandardCharsets.US_ASCII);
        Director impostor = closing(ActiveStandbyDirector.start(virtualAddress, realServers, nodeB, nodeA, 254,
                otherKey));
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(a::isServing);
        assertThat(get(virtualAddress)).isEqualTo("served by one");
        assertThat(impostor.isServing()).as("the impostor could not bind the address a holds").isFalse();
    }
}
