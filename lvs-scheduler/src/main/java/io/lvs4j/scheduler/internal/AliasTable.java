package io.lvs4j.scheduler.internal;

import io.lvs4j.api.RealServer;
import org.jspecify.annotations.Nullable;

/**
 * Vose's alias method: after an O(n) build, a weighted random draw costs one random column and one comparison. Used
 * by {@code random} and {@code p2c}.
 */
final class AliasTable {

    static final AliasTable EMPTY = new AliasTable(new RealServer[0], new int[0]);
    private static final int ONE = 1 << 30;

    final RealServer[] servers;
    final int[] weights;
    private final int[] probability; // scaled to ONE
    private final int[] alias;

    AliasTable(RealServer[] candidates, int[] candidateWeights) {
        int count = 0;
        for (int w : candidateWeights) {
            if (w > 0) {
                count++;
            }
        }
        servers = new RealServer[count];
        weights = new int[count];
        for (int i = 0, j = 0; i < candidates.length; i++) {
            if (candidateWeights[i] > 0) {
                servers[j] = candidates[i];
                weights[j++] = candidateWeights[i];
            }
        }
        int n = count;
        probability = new int[n];
        alias = new int[n];
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = (double) weights[i] * n / total;
            if (scaled[i] < 1.0) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            probability[s] = (int) Math.round(scaled[s] * ONE);
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            if (scaled[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            probability[large[--nl]] = ONE;
        }
        while (ns > 0) {
            probability[small[--ns]] = ONE; // rounding leftovers
        }
    }

    int size() {
        return servers.length;
    }

    /**
     * The index of one weighted draw, from one 64-bit random number: the high half picks the column by
     * multiply-shift, the low 30 bits toss the column's coin.
     */
    int draw(Randoms random) {
        long r = random.nextLong();
        int column = (int) (((r >>> 32) * servers.length) >>> 32);
        return ((int) r & (ONE - 1)) < probability[column] ? column : alias[column];
    }

    /**
     * The first available server from a random start, for when draws keep landing on unavailable servers; {@code null}
     * if none is available.
     */
    @Nullable RealServer scanFrom(int start) {
        int n = servers.length;
        for (int k = 0; k < n; k++) {
            RealServer rs = servers[(start + k) % n];
            if (rs.isAvailable()) {
                return rs;
            }
        }
        return null;
    }
}
