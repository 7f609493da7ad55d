package io.lvs4j.scheduler.internal;

import static io.lvs4j.scheduler.Fixtures.create;
import static io.lvs4j.scheduler.Fixtures.flow;
import static io.lvs4j.scheduler.Fixtures.randomFlows;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.scheduler.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class HashSchedulerTest {

    /** lib/siphash_kunit.c, 64-bit: hsiphash of bytes 0..len-1 under key 00..0f. */
    private static final int[] KERNEL_HSIPHASH_VECTORS = {
        0x050fc4dc, 0x7d57ca93, 0x4dc7d44d, 0xe7ddf7fb, 0x88d38328, 0x49533b67, 0xc59f22a7, 0x9bb11140,
        0x8d299a8e, 0x6c063de4, 0x92ff097f, 0xf94dc352, 0x57b4d9a2, 0x1229ffa7, 0xc0f95d34, 0x2a519956,
        0x7d908b66, 0x63dbd80c, 0xb473e63e, 0x8d297d1c, 0xa6cce040, 0x2b45f844, 0xa320872e, 0xdae6c123,
        0x67349c8c, 0x705b0979, 0xca9913a5, 0x4ade3b35, 0xef6cd00d, 0x4ab1e1f4, 0x43c5e663, 0x8c21d1bc,
        0x16a7b60d, 0x7a8ff9bf, 0x1f2a753e, 0xbf186b91, 0xada26206, 0xa3c33057, 0xae3a36a1, 0x7b108392,
        0x99e41531, 0x3f1ad944, 0xc8138825, 0xc28949a6, 0xfaf8876b, 0x9f042196, 0x68b1d623, 0x8b5114fd,
        0xdf074c46, 0x12cc86b3, 0x0a52098f, 0x9d292f9a, 0xa2f41f12, 0x43a71ed0, 0x73f0bce6, 0x70a7e980,
        0x243c6d75, 0xfdb71513, 0xa67d8a08, 0xb7e8f148, 0xf7a644ee, 0x0f1837f2, 0x4b6694e0, 0xb7bbb3a8,
    };
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    @Test
    void hsiphashMatchesTheKernelsVectors() {
        for (int len = 0; len < 64; len++) {
            byte[] in = new byte[len];
            for (int i = 0; i < len; i++) {
                in[i] = (byte) i;
            }
            assertThat(Hsiphash.hash(in, K0, K1)).as("length %d", len).isEqualTo(KERNEL_HSIPHASH_VECTORS[len]);
        }
        // hsiphash_1u32 is the 4-byte case, the one ip_vs_mh_hashkey uses
        assertThat(Hsiphash.hash1u32(0x03020100, K0, K1)).isEqualTo(KERNEL_HSIPHASH_VECTORS[4]);
    }

    @Test
    void maglevFastModIsExact() {
        MaglevHashing mh = (MaglevHashing) Schedulers.create("mh",
                SchedulerConfig.builder().option("table-size", "65537").build());
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            int h = r.nextInt();
            assertThat(mh.mod(h)).isEqualTo(Integer.remainderUnsigned(h, 65537));
        }
        assertThat(mh.mod(-1)).isEqualTo(Integer.remainderUnsigned(-1, 65537));
    }

    @Test
    void shFillsWeightConsecutiveBucketsPerServerAndHashesLikeTheKernel() {
        List<RealServer> list = servers(2, 1);
        Scheduler sh = create("sh");
        sh.update(list);
        for (Flow f : randomFlows(10_000, 1)) {
            int bucket = ((f.clientAddressFold() * 0x61C88647) >>> 24) & 0xff;
            RealServer expected = bucket % 3 == 2 ? list.get(1) : list.get(0);
            assertThat(sh.pick(f)).isSameAs(expected);
        }
    }

    @Test
    void shPortFlagAddsTheClientPort() {
        List<RealServer> list = servers(1, 1, 1, 1, 1, 1, 1);
        Scheduler sh = Schedulers.create("sh", SchedulerConfig.builder().flag("sh-port").build());
        sh.update(list);
        Flow a = flow(0x0a000001, 1000);
        for (int port = 1000; port < 1100; port++) {
            Flow f = flow(0x0a000001, port);
            int bucket = (((port + f.clientAddressFold()) * 0x61C88647) >>> 24) & 0xff;
            assertThat(sh.pick(f)).isSameAs(list.get(bucket % 7));
        }
        assertThat(a.clientPort()).isEqualTo(1000);
    }

    @Test
    void shWithoutFallbackGivesNoneAndWithFallbackProbesOn() {
        List<RealServer> list = servers(1, 1);
        Scheduler plain = create("sh");
        Scheduler fallback = Schedulers.create("sh", SchedulerConfig.builder().flag("sh-fallback").build());
        plain.update(list);
        fallback.update(list);
        list.get(0).setWeight(0); // quiescent: keeps its buckets
        int none = 0;
        for (Flow f : randomFlows(2000, 2)) {
            RealServer p = plain.pick(f);
            if (p == null) {
                none++;
            } else {
                assertThat(p).isSameAs(list.get(1));
            }
            assertThat(fallback.pick(f)).isSameAs(list.get(1));
        }
        assertThat(none).isBetween(800, 1200); // about half the flows hashed to the quiescent server
    }

    @Test
    void dhHashesTheDestinationWithTheCurrentKernelsHash32IntoRoundRobinBuckets() {
        List<RealServer> list = servers(9, 1, 1);
        Scheduler dh = create("dh");
        dh.update(list);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            int dst = r.nextInt();
            int bucket = (dst * 0x61C88647) >>> 24; // hash_32(ntohl(fold), IP_VS_DH_TAB_BITS)
            assertThat(dh.pick(to(ip(dst)))).isSameAs(list.get(bucket % 3)); // dh ignores weights
        }
    }

    @Test
    void dhBucketsWorkedOutByHandFromTheKernelsHash32() throws Exception {
        // bucket = (fold × 0x61C88647 mod 2^32) >> 24; three servers fill the 256 buckets A, B, C, A, ...
        // The 4.x formula (fold × 2654435761) & 255 gives A, A, B, C, C for the same five destinations.
        List<RealServer> list = servers(1, 1, 1);
        Scheduler dh = create("dh");
        dh.update(list);
        assertThat(dh.pick(to(InetAddress.getByName("10.0.0.100")))).isSameAs(list.get(2)); // bucket 248
        assertThat(dh.pick(to(InetAddress.getByName("192.168.1.1")))).isSameAs(list.get(1)); // bucket 136
        assertThat(dh.pick(to(InetAddress.getByName("10.1.2.3")))).isSameAs(list.get(2)); // bucket 2
        assertThat(dh.pick(to(InetAddress.getByName("172.16.0.7")))).isSameAs(list.get(1)); // bucket 196
        // IPv6 folds its four words: 0x20010db8 ^ 0 ^ 0 ^ 1 = 0x20010db9, bucket 63
        assertThat(dh.pick(to(InetAddress.getByName("2001:db8::1")))).isSameAs(list.get(0));
    }

    private static InetAddress ip(int v) {
        return Fixtures.ip(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    }

    /** A flow from a fixed client to {@code destination}:80, the address dh hashes. */
    private static Flow to(InetAddress destination) {
        return Flow.tcp(flow(0x0a000009, 5000).client(), new InetSocketAddress(destination, 80));
    }

    /**
     * {@code ip_vs_sh_reassign} as a test oracle: the destinations (here in address order) fill the 256 buckets in
     * turn, each for as many consecutive buckets as its weight, and a weight-0 destination still takes one.
     */
    private static RealServer[] kernelShTable(List<RealServer> destinations) {
        RealServer[] buckets = new RealServer[256];
        int p = 0;
        int count = 0;
        for (int i = 0; i < 256; i++) {
            RealServer d = destinations.get(p);
            buckets[i] = d;
            if (++count >= d.weight()) {
                p = (p + 1) % destinations.size();
                count = 0;
            }
        }
        return buckets;
    }

    /** {@code ip_vs_sh_get} and {@code ip_vs_sh_get_fallback}: unavailable is weight 0 or the overload flag. */
    private static @Nullable RealServer kernelShPick(RealServer[] buckets, Flow f,
                                                                             boolean fallback) {
        int fold = f.clientAddressFold();
        int ihash = (fold * 0x61C88647) >>> 24;
        RealServer d = buckets[ihash];
        if (d.weight() > 0 && !d.isOverloaded()) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < 256; offset++) {
            int roffset = (offset + ihash) % 256;
            d = buckets[(roffset + ((fold * 0x61C88647) >>> 24)) & 255];
            if (d.weight() > 0 && !d.isOverloaded()) {
                return d;
            }
        }
        return null;
    }

    @Test
    void shWithInhibitOnFailureGivesTheKernelsWeightZeroTableAndWithoutItTheTableWithoutTheServer() {
        for (boolean fallback : new boolean[] {false, true}) {
            List<RealServer> list = servers(3, 2, 1, 4);
            Scheduler sh = Schedulers.create("sh", fallback
                    ? SchedulerConfig.builder().flag("sh-fallback").build() : SchedulerConfig.ofDefaults());
            sh.update(list);
            Flow[] flows = randomFlows(3000, 21);
            RealServer[] all = kernelShTable(list);
            for (Flow f : flows) {
                assertThat(sh.pick(f)).isSameAs(kernelShPick(all, f, fallback));
            }
            // inhibit_on_failure: the failed server gets weight 0 and stays listed (upd_dest -> reassign)
            RealServer failed = list.get(1);
            failed.setWeight(0);
            sh.update(list);
            RealServer[] inhibited = kernelShTable(list);
            int none = 0;
            for (Flow f : flows) {
                RealServer expected = kernelShPick(inhibited, f, fallback);
                assertThat(sh.pick(f)).as("fallback %s", fallback).isSameAs(expected);
                none += expected == null ? 1 : 0;
            }
            assertThat(none > 0).isEqualTo(!fallback); // a flow hashed to the one inhibited bucket gets none
            // without inhibit_on_failure: the failed server goes DOWN, which is IPVS's removal (del_dest -> reassign)
            failed.setWeight(2);
            failed.setState(RealServerState.DOWN);
            sh.update(list);
            RealServer[] removed = kernelShTable(List.of(list.get(0), list.get(2), list.get(3)));
            for (Flow f : flows) {
                assertThat(sh.pick(f)).isSameAs(kernelShPick(removed, f, fallback)).isNotNull();
            }
        }
    }

    @Test
    void maglevWithInhibitOnFailureKeepsTheTableAndWithoutItRebuildsWithoutTheServer() {
        for (boolean fallback : new boolean[] {false, true}) {
            List<RealServer> list = servers(3, 2, 1, 4);
            SchedulerConfig config = fallback ? SchedulerConfig.builder().flag("mh-fallback").build()
                    : SchedulerConfig.ofDefaults();
            MaglevHashing mh = (MaglevHashing) Schedulers.create("mh", config);
            mh.update(list);
            Flow[] flows = randomFlows(5000, 22);
            RealServer[] before = new RealServer[flows.length];
            for (int i = 0; i < flows.length; i++) {
                before[i] = mh.pick(flows[i]);
            }
            RealServer failed = list.get(1);
            failed.setWeight(0); // inhibit_on_failure: last_weight keeps the server's entries
            mh.update(list);
            for (int i = 0; i < flows.length; i++) {
                RealServer now = mh.pick(flows[i]);
                if (before[i] != failed) {
                    assertThat(now).isSameAs(before[i]);
                } else if (fallback) {
                    assertThat(now).isNotNull().isNotSameAs(failed);
                } else {
                    assertThat(now).isNull();
                }
            }
            failed.setWeight(2);
            failed.setState(RealServerState.DOWN); // removal: the table of the three others
            mh.update(list);
            Scheduler fresh = Schedulers.create("mh", config);
            fresh.update(List.of(list.get(0), list.get(2), list.get(3)));
            for (Flow f : flows) {
                assertThat(mh.pick(f)).isSameAs(fresh.pick(f)).isNotNull();
            }
        }
    }

    @Test
    void dhWithInhibitOnFailureKeepsTheTableAndWithoutItFillsTheBucketsWithTheOthers() {
        List<RealServer> list = servers(3, 2, 1);
        Scheduler dh = create("dh");
        dh.update(list);
        RealServer failed = list.get(1);
        failed.setWeight(0); // inhibit_on_failure: the kernel's dh has no upd_dest; its buckets stay, weight 0 gets none
        dh.update(list);
        SplittableRandom r = new SplittableRandom(23);
        int none = 0;
        for (int i = 0; i < 1000; i++) {
            int dst = r.nextInt();
            RealServer expected = list.get(((dst * 0x61C88647) >>> 24) % 3);
            RealServer picked = dh.pick(to(ip(dst)));
            if (expected == failed) {
                assertThat(picked).isNull();
                none++;
            } else {
                assertThat(picked).isSameAs(expected);
            }
        }
        assertThat(none).isBetween(250, 420);
        failed.setWeight(2);
        failed.setState(RealServerState.DOWN); // removal: del_dest refills the buckets with A and C
        dh.update(list);
        for (int i = 0; i < 1000; i++) {
            int dst = r.nextInt();
            RealServer expected = list.get(((dst * 0x61C88647) >>> 24) % 2 == 0 ? 0 : 2);
            assertThat(dh.pick(to(ip(dst)))).isSameAs(expected);
        }
    }

    @Test
    void hashTablesDoNotDependOnInsertionOrder() {
        for (String name : List.of("dh", "sh", "mh", "ring")) {
            List<RealServer> list = servers(3, 1, 4, 1, 5, 9, 2, 6);
            List<RealServer> shuffled = new ArrayList<>(list);
            Collections.shuffle(shuffled, new Random(11));
            Scheduler a = create(name);
            Scheduler b = create(name);
            a.update(list);
            b.update(shuffled);
            for (Flow f : randomFlows(5000, 4)) {
                assertThat(b.pick(f)).as(name).isSameAs(a.pick(f));
            }
        }
    }

    @Test
    void maglevKeepsAQuiescentServersEntriesSoNoOtherFlowMoves() {
        List<RealServer> list = servers(1, 1, 1, 1, 1);
        Scheduler mh = create("mh");
        mh.update(list);
        Flow[] flows = randomFlows(20_000, 5);
        RealServer[] before = new RealServer[flows.length];
        for (int i = 0; i < flows.length; i++) {
            before[i] = mh.pick(flows[i]);
        }
        list.get(2).setWeight(0);
        mh.update(list); // last_weight keeps its turns
        for (int i = 0; i < flows.length; i++) {
            RealServer now = mh.pick(flows[i]);
            if (before[i] == list.get(2)) {
                assertThat(now).isNull();
            } else {
                assertThat(now).isSameAs(before[i]);
            }
        }
    }

    @Test
    void maglevFallbackFindsAnAvailableServer() {
        List<RealServer> list = servers(1, 1, 1);
        Scheduler mh = Schedulers.create("mh", SchedulerConfig.builder().flag("mh-fallback").build());
        mh.update(list);
        list.get(0).setState(RealServerState.DOWN); // not yet updated: the live check and fallback handle it
        for (Flow f : randomFlows(3000, 6)) {
            RealServer rs = mh.pick(f);
            assertThat(rs).isNotNull().isNotSameAs(list.get(0));
        }
    }

    @Test
    void maglevRejectsABadTableSizeNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> Schedulers.create("mh",
                        SchedulerConfig.builder().option("table-size", "4096").build()))
                .withMessage("scheduler option table-size must be a prime from 251 to 1048576 but was 4096");
    }

    @Test
    void maglevHonoursWeights() {
        List<RealServer> list = servers(1, 2, 4);
        MaglevHashing mh = (MaglevHashing) create("mh");
        mh.update(list);
        int[] counts = new int[3];
        for (Flow f : randomFlows(700_000, 8)) {
            counts[list.indexOf(mh.pick(f))]++;
        }
        assertThat(counts[0]).isBetween(90_000, 110_000);
        assertThat(counts[1]).isBetween(190_000, 210_000);
        assertThat(counts[2]).isBetween(390_000, 410_000);
    }
}
