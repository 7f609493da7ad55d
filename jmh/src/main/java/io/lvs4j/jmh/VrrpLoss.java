package io.lvs4j.jmh;

import io.lvs4j.api.failover.Role;
import io.lvs4j.failover.AdvertRejection;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a JMH benchmark: false failovers of VRRP-style pairs whose adverts cross a lossy link. Each pair
 * (master priority 150, backup 100, 100 ms adverts, real UDP) sends its adverts straight to its peer; the loss is
 * injected by the kernel, not by this program: {@code bench/vrrp-loss.sh} runs it in a network namespace of its own
 * whose nftables input hook drops each UDP datagram with the given probability, so every advert that arrives is the
 * sender's own datagram from its own address and port (advert format 2 refuses re-sent ones). One pair sends 2 adverts
 * per interval (the default, on 127.0.0.2 and 127.0.0.3), one sends 1 (plain RFC 5798, on 127.0.0.4 and 127.0.0.5).
 * Counts every role change after the pair settled: each is a false failover or its undoing.
 *
 * <p>Usage: {@code bench/vrrp-loss.sh [LOSS=0.2] [MINUTES=10]}; outside such a namespace it measures a lossless link.
 */
public final class VrrpLoss {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    private VrrpLoss() {
    }

    private static InetSocketAddress freeUdp(String host) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0))) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    /** One pair, each node sending to the other directly. */
    private static final class Pair {
        final VrrpFailover master;
        final VrrpFailover backup;
        final AtomicLong changes = new AtomicLong();
        volatile boolean settled;

        Pair(int advertsPerInterval, String masterHost, String backupHost) throws Exception {
            InetSocketAddress a = freeUdp(masterHost);
            InetSocketAddress b = freeUdp(backupHost);
            master = VrrpFailover.create(VrrpConfig.builder(60 + advertsPerInterval, a).priority(150)
                    .advertInterval(Duration.ofMillis(100)).advertsPerInterval(advertsPerInterval).key(1, KEY)
                    .peer(b).build());
            backup = VrrpFailover.create(VrrpConfig.builder(60 + advertsPerInterval, b).priority(100)
                    .advertInterval(Duration.ofMillis(100)).advertsPerInterval(advertsPerInterval).key(1, KEY)
                    .peer(a).build());
            backup.onRoleChange(c -> {
                if (settled) {
                    changes.incrementAndGet();
                    System.out.printf(Locale.ROOT, "  %d adverts/interval: backup %s -> %s (%s)%n", advertsPerInterval,
                            c.previous(), c.current(), c.reason());
                }
            });
            master.start().toCompletableFuture().join();
            backup.start().toCompletableFuture().join();
        }

        boolean steady() {
            return master.role() == Role.MASTER && backup.role() == Role.BACKUP;
        }
    }

    /** The nodes' refused adverts by reason, the reasons that never happened left out. */
    private static Map<AdvertRejection, Long> refused(VrrpFailover... nodes) {
        Map<AdvertRejection, Long> all = new EnumMap<>(AdvertRejection.class);
        for (VrrpFailover node : nodes) {
            node.rejections().forEach((reason, count) -> {
                if (count > 0) {
                    all.merge(reason, count, Long::sum);
                }
            });
        }
        return all;
    }

    public static void main(String[] args) throws Exception {
        long minutes = args.length > 0 ? Long.parseLong(args[0]) : 10;
        Pair two = new Pair(2, "127.0.0.2", "127.0.0.3");
        Pair one = new Pair(1, "127.0.0.4", "127.0.0.5");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long steadySince = -1;
        while (System.nanoTime() < deadline) { // both pairs steady for 3 s in a row: the start-up election is over
            if (two.steady() && one.steady()) {
                if (steadySince < 0) {
                    steadySince = System.nanoTime();
                } else if (System.nanoTime() - steadySince > Duration.ofSeconds(3).toNanos()) {
                    break;
                }
            } else {
                steadySince = -1;
            }
            Thread.sleep(50); // polling the pairs' roles
        }
        two.settled = true;
        one.settled = true;
        System.out.printf(Locale.ROOT, "settled; %d minutes, 100 ms adverts, priorities 150/100%n", minutes);
        Thread.sleep(Duration.ofMinutes(minutes).toMillis()); // the measurement itself: time passing under loss
        for (Pair p : new Pair[] {two, one}) {
            System.out.printf(Locale.ROOT, "%s adverts/interval: %d role changes of the backup; adverts refused: %s%n",
                    p == two ? "2" : "1", p.changes.get(), refused(p.master, p.backup));
            p.master.close();
            p.backup.close();
        }
        System.exit(0);
    }
}
