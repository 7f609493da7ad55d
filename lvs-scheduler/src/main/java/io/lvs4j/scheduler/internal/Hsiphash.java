package io.lvs4j.scheduler.internal;

/**
 * The Linux kernel's {@code hsiphash} as built on 64-bit machines (SipHash-1-3 with a 32-bit result), which IPVS's
 * {@code mh} scheduler hashes with. Matching it bit for bit makes our Maglev tables and picks those of the kernel.
 */
final class Hsiphash {

    private Hsiphash() {
    }

    /** {@code hsiphash_1u32(value, key)}: the hash of the four little-endian bytes of {@code value}. */
    static int hash1u32(int value, long k0, long k1) {
        long b = (4L << 56) | (value & 0xffffffffL);
        return finishFrom(b, 0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1, 0x6c7967656e657261L ^ k0,
                0x7465646279746573L ^ k1);
    }

    /** {@code hsiphash(data, len, key)} for any length, for tests against the kernel's vectors. */
    static int hash(byte[] data, long k0, long k1) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        int len = data.length;
        int end = len - (len % 8);
        for (int i = 0; i < end; i += 8) {
            long m = 0;
            for (int j = 7; j >= 0; j--) {
                m = (m << 8) | (data[i + j] & 0xffL);
            }
            v3 ^= m;
            // one compression round
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        long b = ((long) len) << 56;
        for (int j = len - 1; j >= end; j--) {
            b |= (data[j] & 0xffL) << (8 * (j - end));
        }
        return finishFrom(b, v0, v1, v2, v3);
    }

    private static int finishFrom(long b, long v0, long v1, long v2, long v3) {
        v3 ^= b;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 3; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int) ((v0 ^ v1) ^ (v2 ^ v3));
    }
}
