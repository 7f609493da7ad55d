package io.lvs4j.scheduler.internal;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;

/** A scheduler that scans the destination list on every pick, reading live counters, as most IPVS schedulers do. */
abstract class ScanScheduler extends BaseScheduler<Members> {

    ScanScheduler(String name, SchedulerConfig config) {
        super(name, config, Members.EMPTY);
    }

    @Override
    protected final Members build(RealServer[] servers, int[] weights, Members previous) {
        return new Members(servers, weights);
    }
}
