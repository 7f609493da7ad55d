package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code dh} as current kernels do it: a 256-bucket table filled round-robin with the real servers (sorted by
 * address; weights play no part), indexed by {@code hash_32(fold(destination), 8)}, the top 8 bits of
 * {@code fold × 0x61C88647}. Kernels up to 4.x indexed by {@code (fold × 2654435761) & 255}. A flow whose bucket
 * holds an unavailable server (weight 0, overloaded, down) gets none.
 */
final class DestinationHashing extends BaseScheduler<RealServer[]> {

    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;

    DestinationHashing(SchedulerConfig config) {
        super("dh", config, new RealServer[0]);
    }

    @Override
    protected RealServer[] build(RealServer[] servers, int[] weights, RealServer[] previous) {
        if (servers.length == 0) {
            return new RealServer[0];
        }
        RealServer[] sorted = HashTables.sorted(servers, weights).servers;
        RealServer[] buckets = new RealServer[TAB_SIZE];
        for (int i = 0; i < TAB_SIZE; i++) {
            buckets[i] = sorted[i % sorted.length];
        }
        return buckets;
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        RealServer[] buckets = table();
        if (buckets.length == 0) {
            return null;
        }
        RealServer rs = buckets[HashTables.hash32(flow.destinationAddressFold(), TAB_BITS)];
        return rs.isAvailable() ? rs : null;
    }
}
