package io.lvs4j.scheduler;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Shared test data: real servers, flows, a hand-driven ticker, and the list of every scheduler. */
public final class Fixtures {

    /** Every built-in scheduler, for parameterised tests. */
    public static final List<String> ALL = List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh",
            "mh", "fo", "ovf", "twos", "random", "p2c", "ring");

    /** The virtual address of the test service. */
    public static final InetSocketAddress VIP = new InetSocketAddress(ip(10, 0, 0, 100), 80);

    private Fixtures() {
    }

    /** Scheduler names, for {@code @MethodSource}. */
    public static Stream<String> names() {
        return ALL.stream();
    }

    public static InetAddress ip(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Real servers 10.1.x.y:80 with the given weights, in that order. */
    public static List<RealServer> servers(int... weights) {
        List<RealServer> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(RealServer.builder(new InetSocketAddress(ip(10, 1, (i + 1) >> 8, (i + 1) & 0xff), 80))
                    .weight(weights[i]).build());
        }
        return list;
    }

    /** {@code n} real servers of weight 1. */
    public static List<RealServer> equalServers(int n) {
        int[] w = new int[n];
        Arrays.fill(w, 1);
        return servers(w);
    }

    /** A TCP flow from client address {@code clientIp} (as an int) and port to the VIP. */
    public static Flow flow(int clientIp, int port) {
        return Flow.tcp(new InetSocketAddress(ip(clientIp >>> 24, (clientIp >>> 16) & 0xff, (clientIp >>> 8) & 0xff,
                clientIp & 0xff), port), VIP);
    }

    /** {@code count} flows from random clients, the same for the same seed. */
    public static Flow[] randomFlows(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Flow[] flows = new Flow[count];
        for (int i = 0; i < count; i++) {
            flows[i] = flow(r.nextInt(), 1024 + r.nextInt(60000));
        }
        return flows;
    }

    /** {@code count} flows from random clients to random destinations (for {@code dh}, which hashes those). */
    public static Flow[] randomFlowsAnywhere(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Flow[] flows = new Flow[count];
        for (int i = 0; i < count; i++) {
            int c = r.nextInt();
            int d = r.nextInt();
            flows[i] = Flow.tcp(new InetSocketAddress(ip(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff),
                    1024 + r.nextInt(60000)), new InetSocketAddress(ip(d >>> 24, (d >>> 16) & 0xff, (d >>> 8) & 0xff,
                    d & 0xff), 80));
        }
        return flows;
    }

    /** A scheduler by name with default settings. */
    public static Scheduler create(String name) {
        return Schedulers.create(name);
    }

    /** A scheduler by name with a seeded random source, so random schedulers repeat. */
    public static Scheduler seeded(String name, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return Schedulers.create(name, SchedulerConfig.builder().random(r::nextInt).build());
    }

    /** A ticker the test advances by hand. */
    public static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        public void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }
}
