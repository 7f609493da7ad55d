package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code sh}: a 256-bucket table in which each real server (sorted by address) fills as many consecutive buckets
 * as its weight, cycling until the table is full; a flow's bucket is {@code hash_32(port + fold(client), 8)}, with
 * the client port only under {@code sh-port}. Without {@code sh-fallback} a flow whose server is unavailable gets
 * none; with it, the kernel's probe sequence looks for the next available server.
 */
final class SourceHashing extends BaseScheduler<RealServer[]> {

    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;

    private final boolean port;
    private final boolean fallback;

    SourceHashing(SchedulerConfig config) {
        super("sh", config, new RealServer[0]);
        this.port = config.hasFlag("sh-port");
        this.fallback = config.hasFlag("sh-fallback");
    }

    @Override
    protected RealServer[] build(RealServer[] servers, int[] weights, RealServer[] previous) {
        if (servers.length == 0) {
            return new RealServer[0];
        }
        Members sorted = HashTables.sorted(servers, weights);
        RealServer[] buckets = new RealServer[TAB_SIZE];
        int p = 0;
        int count = 0;
        for (int i = 0; i < TAB_SIZE; i++) {
            buckets[i] = sorted.servers[p];
            // like the kernel: a weight-0 server still takes one bucket
            if (++count >= sorted.weights[p]) {
                p = (p + 1) % sorted.servers.length;
                count = 0;
            }
        }
        return buckets;
    }

    static int hashKey(int fold, int port, int offset) {
        return (offset + HashTables.hash32(port + fold, TAB_BITS)) & TAB_MASK;
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        RealServer[] buckets = table();
        if (buckets.length == 0) {
            return null;
        }
        int fold = flow.clientAddressFold();
        int p = port ? flow.clientPort() : 0;
        int ihash = hashKey(fold, p, 0);
        RealServer rs = buckets[ihash];
        if (rs.isAvailable()) {
            return rs;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < TAB_SIZE; offset++) {
            int roffset = (offset + ihash) % TAB_SIZE;
            rs = buckets[hashKey(fold, p, roffset)];
            if (rs.isAvailable()) {
                return rs;
            }
        }
        return null;
    }
}
