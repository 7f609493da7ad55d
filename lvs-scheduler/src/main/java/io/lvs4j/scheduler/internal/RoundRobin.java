package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * IPVS {@code rr}: the next available real server after the last one picked, in list order; weights only matter in
 * that weight 0 (quiescent) is skipped. The cursor is an {@link AtomicInteger} advanced by compare-and-set, so the
 * sequence is exactly the kernel's when picks are sequential, and no pick ever locks.
 */
final class RoundRobin extends BaseScheduler<RoundRobin.Table> {

    /** Servers in list order and the index of the last pick (-1: the list head). */
    static final class Table {
        final RealServer[] servers;
        final AtomicInteger cursor;

        Table(RealServer[] servers, int cursor) {
            this.servers = servers;
            this.cursor = new AtomicInteger(cursor);
        }
    }

    RoundRobin(SchedulerConfig config) {
        super("rr", config, new Table(new RealServer[0], -1));
    }

    @Override
    protected Table build(RealServer[] servers, int[] weights, Table previous) {
        return new Table(servers, carryCursor(previous.servers, previous.cursor.get(), servers));
    }

    /**
     * Where the cursor goes when the list changes: it stays on the last-picked server if still listed; if that server
     * left, the next pick starts at the first server that followed it (as IPVS's {@code ip_vs_rr_del_dest}).
     */
    static int carryCursor(RealServer[] old, int cursor, RealServer[] now) {
        if (cursor < 0 || now.length == 0) {
            return -1;
        }
        for (int k = 0; k < old.length; k++) {
            RealServer candidate = old[(cursor + k) % old.length];
            int idx = indexOf(now, candidate);
            if (idx >= 0) {
                return k == 0 ? idx : (idx == 0 ? now.length - 1 : idx - 1);
            }
        }
        return -1;
    }

    private static int indexOf(RealServer[] servers, RealServer rs) {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] == rs) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        Table t = table();
        RealServer[] s = t.servers;
        int n = s.length;
        AtomicInteger cursor = t.cursor;
        retry:
        for (;;) {
            int c = cursor.get();
            int start = c + 1;
            for (int k = 0; k < n; k++) {
                int i = start + k;
                if (i >= n) {
                    i -= n;
                }
                if (s[i].isAvailable()) {
                    if (cursor.compareAndSet(c, i)) {
                        return s[i];
                    }
                    continue retry;
                }
            }
            return null;
        }
    }
}
