package io.lvs4j.scheduler.internal;

import io.lvs4j.api.LoadMirror;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;

/**
 * A scheduler that scans the destination list on every pick, reading live counters, as most IPVS schedulers do.
 * The least-connection ones ({@code mirrored}) read them from a {@link LoadMirror} of each table: one contiguous
 * {@code long} per server that the real servers update on every connection event.
 */
abstract class ScanScheduler extends BaseScheduler<Members> {

    private final boolean mirrored;

    ScanScheduler(String name, SchedulerConfig config) {
        this(name, config, false);
    }

    ScanScheduler(String name, SchedulerConfig config, boolean mirrored) {
        super(name, config, Members.EMPTY);
        this.mirrored = mirrored;
    }

    @Override
    protected final Members build(RealServer[] servers, int[] weights, Members previous) {
        Members next = new Members(servers, weights, mirrored ? new LoadMirror(servers) : null);
        previous.release();
        return next;
    }

    @Override
    public void close() {
        table().release();
    }
}
