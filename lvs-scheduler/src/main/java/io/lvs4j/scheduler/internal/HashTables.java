package io.lvs4j.scheduler.internal;

import io.lvs4j.api.RealServer;
import java.util.Arrays;

/** Helpers the hash schedulers share. */
final class HashTables {

    /** Linux's GOLDEN_RATIO_32, the multiplier of {@code hash_32}. */
    static final int GOLDEN_RATIO_32 = 0x61C88647;

    private HashTables() {
    }

    /** Linux {@code hash_32(value, bits)}: the top {@code bits} bits of {@code value × GOLDEN_RATIO_32}. */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /** The servers sorted by address then port, with their weights permuted alike. */
    static Members sorted(RealServer[] servers, int[] weights) {
        Integer[] order = new Integer[servers.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> RealServer.ADDRESS_ORDER.compare(servers[a], servers[b]));
        RealServer[] s = new RealServer[servers.length];
        int[] w = new int[servers.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = servers[order[i]];
            w[i] = weights[order[i]];
        }
        return new Members(s, w);
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64): every input bit affects every output bit. */
    static long mix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** Whether {@code n} is prime. */
    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
