package io.lvs4j.failover;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A failover node on multicast for {@link MulticastNetnsTest}, run as its own process inside a network namespace:
 * {@code MulticastNode ADDRESS INTERFACE GROUP PORT PRIORITY}; prints "role ROLE" on every change.
 */
public final class MulticastNode {

    private MulticastNode() {
    }

    public static void main(String[] args) throws Exception {
        VrrpFailover node = VrrpFailover.create(VrrpConfig.builder(18, new InetSocketAddress(
                        InetAddress.getByName(args[0]), Integer.parseInt(args[3])))
                .priority(Integer.parseInt(args[4])).advertInterval(Duration.ofMillis(100))
                .key(1, "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII))
                .multicast(InetAddress.getByName(args[2]), args[1]).build());
        node.onRoleChange(c -> {
            System.out.println("role " + c.current());
            System.out.flush();
        });
        try {
            node.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            System.out.println("failed " + e.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join(); // until killed
    }
}
