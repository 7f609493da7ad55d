package io.lvs4j.jmh;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.internal.RealServerEngine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Benchmark inputs: real servers with equal or skewed weights and live load, and a ring of client flows. */
final class Servers {

    static final InetSocketAddress VIP = new InetSocketAddress(address(0x0a000064), 80);

    private Servers() {
    }

    static InetAddress address(int ip) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8),
                    (byte) ip});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code n} real servers; "equal" gives weight 1 each, "skewed" weights 1..100 drawn with a fixed seed. Each has
     * 0..99 active and 0..999 inactive connections, so least-connection scans compare real figures.
     */
    static List<RealServer> create(int n, String weights) {
        SplittableRandom r = new SplittableRandom(n);
        List<RealServer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int w = weights.equals("equal") ? 1 : 1 + r.nextInt(100);
            RealServer rs = RealServer.builder(new InetSocketAddress(address(0x0a010000 + i + 1), 8080)).weight(w)
                    .build();
            int active = r.nextInt(100);
            int inactive = r.nextInt(1000);
            for (int a = 0; a < active; a++) {
                RealServerEngine.connectionOpened(rs);
            }
            for (int a = 0; a < inactive; a++) {
                RealServerEngine.inactiveConnectionOpened(rs);
            }
            list.add(rs);
        }
        return list;
    }

    /** 4096 flows from random clients and ports to the VIP. */
    static Flow[] flows(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Flow[] flows = new Flow[4096];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = Flow.tcp(new InetSocketAddress(address(r.nextInt()), 1024 + r.nextInt(60000)), VIP);
        }
        return flows;
    }
}
