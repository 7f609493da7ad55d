package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code dh}: a 256-bucket table filled round-robin with the real servers (sorted by address), indexed by
 * {@code (fold(destination) × 2654435761) & 255}. A flow whose bucket holds an unavailable server gets none.
 */
final class DestinationHashing extends BaseScheduler<RealServer[]> {

    static final int TAB_SIZE = 256;

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
        RealServer rs = buckets[(flow.destinationAddressFold() * (int) 2654435761L) & (TAB_SIZE - 1)];
        return rs.isAvailable() ? rs : null;
    }
}
