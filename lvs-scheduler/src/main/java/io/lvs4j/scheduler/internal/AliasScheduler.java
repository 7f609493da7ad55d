package io.lvs4j.scheduler.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;

/** A scheduler that draws from an {@link AliasTable} of the destination list: {@code random} and {@code p2c}. */
abstract class AliasScheduler extends BaseScheduler<AliasTable> {

    /** How many draws may land on unavailable servers before a linear scan takes over. */
    static final int DRAWS = 4;

    final Randoms random;

    AliasScheduler(String name, SchedulerConfig config) {
        super(name, config, AliasTable.EMPTY);
        this.random = new Randoms(config);
    }

    @Override
    protected final AliasTable build(RealServer[] servers, int[] weights, AliasTable previous) {
        return new AliasTable(servers, weights);
    }
}
