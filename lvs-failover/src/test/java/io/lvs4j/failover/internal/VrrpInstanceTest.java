package io.lvs4j.failover.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.failover.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The RFC 5798 state machine on a simulated network and a hand-driven clock (1 ms delivery latency). */
class VrrpInstanceTest {

    /** Time, timers and datagram delivery. */
    static final class World {
        private record Event(long at, long seq, Runnable run) {
        }

        private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
        final List<Node> nodes = new ArrayList<>();
        final Set<String> cut = new HashSet<>(); // "a>b": a's adverts do not reach b
        Random loss = null;
        int advertsPerInterval = 2;
        double lossRate;
        long now;
        long seq;

        void at(long delayNanos, Runnable r) {
            events.add(new Event(now + delayNanos, seq++, r));
        }

        void run(Duration d) {
            long end = now + d.toNanos();
            while (!events.isEmpty() && events.peek().at <= end) {
                Event e = events.poll();
                now = e.at;
                e.run.run();
            }
            now = end;
        }

        Node node(String ip, int priority, int intervalCentis, boolean preempt) throws Exception {
            return node(new InetSocketAddress(InetAddress.getByName(ip), 5000), priority, intervalCentis, preempt);
        }

        Node node(InetSocketAddress address, int priority, int intervalCentis, boolean preempt) {
            Node n = new Node(this, address, priority, intervalCentis, preempt);
            nodes.add(n);
            return n;
        }

        long masters() {
            return nodes.stream().filter(n -> n.vrrp.role() == Role.MASTER).count();
        }
    }

    static final class Node implements VrrpInstance.Port {
        final World world;
        final InetSocketAddress address;
        final VrrpInstance vrrp;
        final List<String> changes = new ArrayList<>();
        long timerGeneration;
        boolean alive = true;
        long becameMasterAt = -1;

        Node(World world, InetSocketAddress address, int priority, int interval, boolean preempt) {
            this.world = world;
            this.address = address;
            this.vrrp = new VrrpInstance(this, address, priority, interval, preempt, world.advertsPerInterval);
        }

        @Override
        public void sendAdvert(int priority) {
            int interval = 100;
            for (Node other : world.nodes) {
                if (other == this || !other.alive || world.cut.contains(name() + ">" + other.name())) {
                    continue;
                }
                if (world.loss != null && world.loss.nextDouble() < world.lossRate) {
                    continue;
                }
                world.at(1_000_000, () -> {
                    if (other.alive) {
                        other.vrrp.onAdvert(priority, interval, address);
                    }
                });
            }
        }

        @Override
        public long nanoTime() {
            return world.now;
        }

        @Override
        public void setTimer(long delayNanos) {
            long generation = ++timerGeneration;
            world.at(delayNanos, () -> {
                if (alive && generation == timerGeneration) {
                    vrrp.onTimer();
                }
            });
        }

        @Override
        public void roleChanged(Role from, Role to, String reason) {
            changes.add(from + ">" + to);
            if (to == Role.MASTER) {
                becameMasterAt = world.now;
            }
        }

        void crash() {
            alive = false;
            timerGeneration++;
        }

        String name() {
            String ip = address.getAddress().getHostAddress();
            return address.getPort() == 5000 ? ip : ip + ":" + address.getPort();
        }
    }

    @Test
    void timersFollowTheRfc() throws Exception {
        World w = new World();
        Node n = w.node("10.0.0.2", 100, 100, true);
        // (256 - 100) x 1 s / 256 = 0.609375 s, computed exactly as keepalived does (in microseconds and finer)
        assertThat(n.vrrp.skewNanos()).isEqualTo(609_375_000L);
        assertThat(n.vrrp.masterDownNanos()).isEqualTo(3_609_375_000L); // "3.61 s"
        Node fast = w.node("10.0.0.3", 100, 10, true);
        assertThat(fast.vrrp.masterDownNanos()).isEqualTo(360_937_500L); // "361 ms"
    }

    @Test
    void theHigherPriorityBecomesMasterAndTheBackupTakesOverWhenItCrashes() throws Exception {
        World w = new World();
        Node a = w.node("10.0.0.1", 150, 100, true);
        Node b = w.node("10.0.0.2", 100, 100, true);
        a.vrrp.start();
        b.vrrp.start();
        w.run(Duration.ofSeconds(10));
        assertThat(a.vrrp.role()).isEqualTo(Role.MASTER);
        assertThat(b.vrrp.role()).isEqualTo(Role.BACKUP);
        long crashedAt = w.now;
        a.crash();
        w.run(Duration.ofSeconds(10));
        assertThat(b.vrrp.role()).isEqualTo(Role.MASTER);
        // the backup heard the last advert at most one interval (plus 1 ms) before the crash
        long takeover = b.becameMasterAt - crashedAt;
        // heard the last advert at most half an interval (two adverts per interval) before the crash
        assertThat(takeover).isBetween(3_609_375_000L - 501_000_000L, 3_609_375_000L);
    }

    @Test
    void aResigningMasterIsReplacedAfterTheSkewTime() throws Exception {
        World w = new World();
        Node a = w.node("10.0.0.1", 150, 100, true);
        Node b = w.node("10.0.0.2", 100, 100, true);
        a.vrrp.start();
        b.vrrp.start();
        w.run(Duration.ofSeconds(10));
        long stoppedAt = w.now;
        a.vrrp.stop();
        w.run(Duration.ofSeconds(5));
        assertThat(b.vrrp.role()).isEqualTo(Role.MASTER);
        assertThat(b.becameMasterAt - stoppedAt).isEqualTo(1_000_000L + b.vrrp.skewNanos()); // delivery + skew
    }

    @Test
    void aHigherPriorityJoiningLaterPreemptsUnlessPreemptionIsOff() throws Exception {
        for (boolean preempt : new boolean[] {true, false}) {
            World w = new World();
            Node low = w.node("10.0.0.1", 100, 100, true);
            Node high = w.node("10.0.0.2", 200, 100, preempt);
            low.vrrp.start();
            w.run(Duration.ofSeconds(5));
            assertThat(low.vrrp.role()).isEqualTo(Role.MASTER);
            high.vrrp.start();
            w.run(Duration.ofSeconds(10));
            assertThat(high.vrrp.role()).as("preempt %s", preempt).isEqualTo(preempt ? Role.MASTER : Role.BACKUP);
            assertThat(low.vrrp.role()).isEqualTo(preempt ? Role.BACKUP : Role.MASTER);
        }
    }

    @Test
    void equalPrioritiesGoToTheHigherAddress() throws Exception {
        World w = new World();
        Node a = w.node("10.0.0.1", 100, 100, true);
        Node b = w.node("10.0.0.9", 100, 100, true);
        a.vrrp.start();
        b.vrrp.start();
        w.run(Duration.ofSeconds(10));
        assertThat(w.masters()).isEqualTo(1);
        assertThat(b.vrrp.role()).isEqualTo(Role.MASTER);
    }

    @Test
    void aPreemptDelayLetsALowerMasterStayThatLongButNotPastItsDeath() throws Exception {
        World w = new World();
        Node low = w.node("10.0.0.1", 100, 100, true);
        low.vrrp.start();
        w.run(Duration.ofSeconds(5));
        assertThat(low.vrrp.role()).isEqualTo(Role.MASTER);
        Node high = w.node("10.0.0.2", 150, 100, true);
        high.vrrp.setPreemptDelay(Duration.ofSeconds(10).toNanos());
        long joined = w.now;
        high.vrrp.start();
        w.run(Duration.ofMillis(9_900));
        assertThat(low.vrrp.role()).as("still within the preempt delay").isEqualTo(Role.MASTER);
        assertThat(high.vrrp.role()).isEqualTo(Role.BACKUP);
        w.run(Duration.ofSeconds(5));
        assertThat(high.vrrp.role()).isEqualTo(Role.MASTER);
        assertThat(low.vrrp.role()).isEqualTo(Role.BACKUP);
        long preempted = high.becameMasterAt - joined;
        // the delay (from the first advert heard, within one advert period of joining), then the master down
        // interval of priority 150 (3 s + 414 ms) from the last advert honoured, up to one period before
        long masterDown = high.vrrp.masterDownNanos();
        long period = Duration.ofMillis(500).toNanos();
        assertThat(preempted).isBetween(Duration.ofSeconds(10).toNanos() + masterDown - period,
                Duration.ofSeconds(10).toNanos() + masterDown + 2 * period);

        // a lower master that dies during the delay is replaced after the master down interval, not the delay
        World w2 = new World();
        Node low2 = w2.node("10.0.0.1", 100, 100, true);
        low2.vrrp.start();
        w2.run(Duration.ofSeconds(5));
        Node high2 = w2.node("10.0.0.2", 150, 100, true);
        high2.vrrp.setPreemptDelay(Duration.ofSeconds(60).toNanos());
        high2.vrrp.start();
        w2.run(Duration.ofSeconds(2));
        low2.alive = false;
        long died = w2.now;
        w2.run(Duration.ofSeconds(5));
        assertThat(high2.vrrp.role()).isEqualTo(Role.MASTER);
        assertThat(high2.becameMasterAt - died).isLessThan(Duration.ofMillis(3_500).toNanos());
    }

    @Test
    void nodesThatShareAnAddressHearEachOtherAndTieBreakOnThePort() throws Exception {
        World w = new World();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        Node low = w.node(new InetSocketAddress(loopback, 7001), 100, 100, true);
        Node high = w.node(new InetSocketAddress(loopback, 7002), 100, 100, true);
        Node third = w.node(new InetSocketAddress(loopback, 7000), 50, 100, true);
        low.vrrp.start();
        high.vrrp.start();
        third.vrrp.start();
        w.run(Duration.ofSeconds(10));
        assertThat(w.masters()).isEqualTo(1);
        assertThat(high.vrrp.role()).isEqualTo(Role.MASTER);
        assertThat(low.vrrp.role()).isEqualTo(Role.BACKUP);
        assertThat(third.vrrp.role()).isEqualTo(Role.BACKUP);
    }

    @Test
    void afterAHealedPartitionExactlyOneMasterRemainsWithinOneAdvertInterval() throws Exception {
        World w = new World();
        Node a = w.node("10.0.0.1", 150, 100, true);
        Node b = w.node("10.0.0.2", 100, 100, true);
        Node c = w.node("10.0.0.3", 50, 100, true);
        for (Node n : w.nodes) {
            n.vrrp.start();
        }
        w.run(Duration.ofSeconds(10));
        for (Node n : List.of(b, c)) { // a is cut off from the others, both ways
            w.cut.add("10.0.0.1>" + n.name());
            w.cut.add(n.name() + ">10.0.0.1");
        }
        w.run(Duration.ofSeconds(10));
        assertThat(w.masters()).isEqualTo(2); // a and b both master: the split brain a partition makes
        w.cut.clear();
        w.run(Duration.ofMillis(1002)); // one advert interval plus delivery
        assertThat(w.masters()).isEqualTo(1);
        assertThat(a.vrrp.role()).isEqualTo(Role.MASTER);
    }

    /** Role changes during ten minutes of 20% random advert loss, two nodes, 100 cs adverts. */
    private static int changesUnderLoss(int advertsPerInterval, long seed) throws Exception {
        World w = new World();
        w.advertsPerInterval = advertsPerInterval;
        w.loss = new Random(seed);
        w.lossRate = 0.20;
        Node a = w.node("10.0.0.1", 150, 100, true);
        Node b = w.node("10.0.0.2", 100, 100, true);
        a.vrrp.start();
        b.vrrp.start();
        w.run(Duration.ofSeconds(5));
        int before = a.changes.size() + b.changes.size();
        w.run(Duration.ofMinutes(10));
        assertThat(a.vrrp.role()).isEqualTo(Role.MASTER);
        return a.changes.size() + b.changes.size() - before;
    }

    @Test
    void plainRfcTimersFailOverFalselyUnderTwentyPercentLoss() throws Exception {
        // three adverts lost in a row (0.2^3 per interval, ~4.8 in 600 intervals) make the backup take over
        int total = 0;
        for (long seed = 1; seed <= 5; seed++) {
            total += changesUnderLoss(1, seed);
        }
        assertThat(total).isGreaterThan(0);
    }

    @Test
    void twoAdvertsPerIntervalRideOutTwentyPercentLossForTenMinutes() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(changesUnderLoss(2, seed)).as("role changes, seed %d", seed).isZero();
        }
    }

    @Test
    void aFaultLeavesTheElectionAndARecoveryRejoinsIt() throws Exception {
        World w = new World();
        Node a = w.node("10.0.0.1", 150, 100, true);
        Node b = w.node("10.0.0.2", 100, 100, true);
        a.vrrp.start();
        b.vrrp.start();
        w.run(Duration.ofSeconds(10));
        a.vrrp.fault(true);
        w.run(Duration.ofSeconds(2));
        assertThat(a.vrrp.role()).isEqualTo(Role.FAULT);
        assertThat(b.vrrp.role()).isEqualTo(Role.MASTER); // a resigned with priority 0
        a.vrrp.fault(false);
        w.run(Duration.ofSeconds(10));
        assertThat(a.vrrp.role()).isEqualTo(Role.MASTER); // preempts back
        assertThat(b.vrrp.role()).isEqualTo(Role.BACKUP);
    }
}
