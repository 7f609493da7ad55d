package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attacker on the path who holds no key: it captures the master's adverts (a tap listed as a peer) and replays
 * them, unchanged, from fresh UDP source ports of the master's address, to both nodes. No role may change.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdvertReplayTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    private static int freePort(InetAddress ip) throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            return s.getLocalPort();
        }
    }

    /** Up to {@code n} sockets on {@code ip} bound to ports above {@code above} (they win a tie-break on port). */
    static List<DatagramSocket> socketsAbove(InetAddress ip, int above, int n) {
        List<DatagramSocket> out = new ArrayList<>();
        for (int p = above + 1; p < 65536 && out.size() < n; p++) {
            try {
                out.add(new DatagramSocket(new InetSocketAddress(ip, p)));
            } catch (SocketException e) {
                // in use: the next
            }
        }
        return out;
    }

    @Test
    void replayingTheMastersAdvertsFromFreshPortsChangesNoRole() throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket tap = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            tap.setSoTimeout(2000);
            InetSocketAddress a = new InetSocketAddress(ip, freePort(ip));
            InetSocketAddress b = new InetSocketAddress(ip, freePort(ip));
            InetSocketAddress tapAt = (InetSocketAddress) tap.getLocalSocketAddress();
            // equal priorities: the tie-break decides, so a replay that passed as a higher port would win it
            VrrpFailover na = VrrpFailover.create(VrrpConfig.builder(51, a).priority(100)
                    .advertInterval(Duration.ofMillis(100)).key(1, KEY).peer(b).peer(tapAt).build());
            VrrpFailover nb = VrrpFailover.create(VrrpConfig.builder(51, b).priority(100)
                    .advertInterval(Duration.ofMillis(100)).key(1, KEY).peer(a).peer(tapAt).build());
            List<RoleChange> changes = new CopyOnWriteArrayList<>();
            try {
                na.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
                nb.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> (na.role() == Role.MASTER
                        && nb.role() == Role.BACKUP) || (nb.role() == Role.MASTER && na.role() == Role.BACKUP));
                VrrpFailover master = na.role() == Role.MASTER ? na : nb;
                VrrpFailover backup = master == na ? nb : na;
                InetSocketAddress masterAt = master == na ? a : b;
                // settled: the role of each node from here on must not change
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                        .until(() -> master.role() == Role.MASTER && backup.role() == Role.BACKUP);
                na.onRoleChange(changes::add);
                nb.onRoleChange(changes::add);

                List<byte[]> captured = new ArrayList<>();
                byte[] buf = new byte[65_536];
                while (captured.size() < 5) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    tap.receive(p);
                    if (p.getSocketAddress().equals(masterAt)) {
                        captured.add(Arrays.copyOf(p.getData(), p.getLength()));
                    }
                }
                List<DatagramSocket> fresh = socketsAbove(ip, masterAt.getPort(), 20);
                fresh.add(new DatagramSocket(new InetSocketAddress(ip, 0)));
                try {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    int round = 0;
                    while (System.nanoTime() < end && round < 200) {
                        for (DatagramSocket s : fresh) {
                            for (byte[] advert : captured) {
                                s.send(new DatagramPacket(advert, advert.length, a));
                                s.send(new DatagramPacket(advert, advert.length, b));
                            }
                        }
                        round++;
                        // paced by the tap: one more genuine advert (50 ms) per round
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        tap.receive(p);
                        if (p.getSocketAddress().equals(masterAt)) {
                            captured.add(Arrays.copyOf(p.getData(), p.getLength()));
                            if (captured.size() > 10) {
                                captured.remove(0);
                            }
                        }
                    }
                } finally {
                    fresh.forEach(DatagramSocket::close);
                }
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                        .until(() -> master.role() == Role.MASTER && backup.role() == Role.BACKUP);
                assertThat(changes).as("role changes during the replay").isEmpty();
                assertThat(master.rejections().get(AdvertRejection.IDENTITY_MISMATCH)
                        + backup.rejections().get(AdvertRejection.IDENTITY_MISMATCH))
                        .as("the replays are counted").isGreaterThan(0L);
            } finally {
                na.close();
                nb.close();
            }
        }
    }
}
