package io.lvs4j.jmh;

import io.lvs4j.api.failover.Role;
import io.lvs4j.failover.VrrpConfig;
import io.lvs4j.failover.VrrpFailover;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a JMH benchmark: false failovers of VRRP-style pairs whose adverts cross a lossy link. Each pair
 * (master priority 150, backup 100, 100 ms adverts, real UDP on loopback) talks through two relays that drop each
 * datagram with the given probability; one pair sends 2 adverts per interval (the default), one sends 1 (plain RFC
 * 5798). Counts every role change after the pair settled: each is a false failover or its undoing.
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar io.lvs4j.jmh.VrrpLoss [LOSS=0.2] [MINUTES=10]}; see
 * {@code bench/vrrp-loss.sh}.
 */
public final class VrrpLoss {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);

    private VrrpLoss() {
    }

    /** Forwards datagrams from its socket to {@code to}, dropping each with probability {@code loss}. */
    private static final class Relay implements Runnable {
        final DatagramSocket in;
        final InetSocketAddress to;
        final double loss;
        final SplittableRandom random;
        final AtomicLong passed = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();

        Relay(InetSocketAddress to, double loss, long seed) throws Exception {
            this.in = new DatagramSocket(new InetSocketAddress(LO, 0));
            this.to = to;
            this.loss = loss;
            this.random = new SplittableRandom(seed);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) in.getLocalSocketAddress();
        }

        @Override
        public void run() {
            byte[] buf = new byte[2048];
            while (!in.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    in.receive(p);
                    if (random.nextDouble() < loss) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    in.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), to));
                    passed.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    private static InetSocketAddress freeUdp() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    /** One pair through two lossy relays. */
    private static final class Pair {
        final VrrpFailover master;
        final VrrpFailover backup;
        final Relay toBackup;
        final Relay toMaster;
        final AtomicLong changes = new AtomicLong();
        volatile boolean settled;

        Pair(int advertsPerInterval, double loss, long seed) throws Exception {
            InetSocketAddress a = freeUdp();
            InetSocketAddress b = freeUdp();
            toBackup = new Relay(b, loss, seed);
            toMaster = new Relay(a, loss, seed + 1);
            master = VrrpFailover.create(VrrpConfig.builder(60 + advertsPerInterval, a).priority(150)
                    .advertInterval(Duration.ofMillis(100)).advertsPerInterval(advertsPerInterval).key(1, KEY)
                    .peer(toBackup.address()).build());
            backup = VrrpFailover.create(VrrpConfig.builder(60 + advertsPerInterval, b).priority(100)
                    .advertInterval(Duration.ofMillis(100)).advertsPerInterval(advertsPerInterval).key(1, KEY)
                    .peer(toMaster.address()).build());
            for (Relay r : new Relay[] {toBackup, toMaster}) {
                Thread t = new Thread(r, "relay");
                t.setDaemon(true);
                t.start();
            }
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

    public static void main(String[] args) throws Exception {
        double loss = args.length > 0 ? Double.parseDouble(args[0]) : 0.2;
        long minutes = args.length > 1 ? Long.parseLong(args[1]) : 10;
        Pair two = new Pair(2, loss, 42);
        Pair one = new Pair(1, loss, 4242);
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
        System.out.printf(Locale.ROOT, "%.0f%% advert loss for %d minutes, 100 ms adverts, priorities 150/100%n",
                loss * 100, minutes);
        Thread.sleep(Duration.ofMinutes(minutes).toMillis()); // the measurement itself: time passing under loss
        for (Pair p : new Pair[] {two, one}) {
            long dropped = p.toBackup.dropped.get() + p.toMaster.dropped.get();
            long passed = p.toBackup.passed.get() + p.toMaster.passed.get();
            System.out.printf(Locale.ROOT, "%s adverts/interval: %d role changes of the backup; %d datagrams "
                            + "dropped of %d (%.1f%%)%n", p == two ? "2" : "1", p.changes.get(), dropped,
                    dropped + passed, 100.0 * dropped / Math.max(1, dropped + passed));
            p.master.close();
            p.backup.close();
        }
        System.exit(0);
    }
}
