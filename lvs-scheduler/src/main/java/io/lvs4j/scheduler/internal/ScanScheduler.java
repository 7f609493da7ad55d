package io.lvs4j.scheduler.internal;

import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * A scheduler that scans the destination list on every pick, reading live counters, as most IPVS schedulers do.
 * The least-connection ones (those given a {@link LoadMirror.Rule}) read them from a {@link LoadMirror} of each
 * table: one contiguous {@code long} key per server that the real servers update on every connection event.
 */
abstract class ScanScheduler extends BaseScheduler<Members> {

    private final LoadMirror.@Nullable Rule rule;

    ScanScheduler(String name, SchedulerConfig config) {
        this(name, config, null);
    }

    ScanScheduler(String name, SchedulerConfig config, LoadMirror.@Nullable Rule rule) {
        super(name, config, Members.EMPTY);
        this.rule = rule;
    }

    @Override
    protected final Members build(RealServer[] servers, int[] weights, Members previous) {
        LoadMirror.Rule r = rule;
        Members next = new Members(servers, weights, r != null ? LoadMirror.create(servers, weights, r) : null);
        previous.release();
        return next;
    }

    @Override
    public void close() {
        table().release();
    }
}
