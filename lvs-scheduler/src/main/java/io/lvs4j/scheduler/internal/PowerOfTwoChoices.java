package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/**
 * {@code p2c}: two weighted random draws in O(1) (alias method), keeping the one with fewer active connections per
 * unit of weight, as Envoy's least-request and gRPC's P2C policies do. Unlike IPVS's {@code twos} it does not scan.
 */
final class PowerOfTwoChoices extends AliasScheduler {

    PowerOfTwoChoices(SchedulerConfig config) {
        super("p2c", config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        AliasTable t = table();
        if (t.size() == 0) {
            return null;
        }
        int a = -1;
        int b = -1;
        for (int i = 0; i < DRAWS && b < 0; i++) {
            int d = t.draw(random);
            if (!t.servers[d].isAvailable()) {
                continue;
            }
            if (a < 0) {
                a = d;
            } else {
                b = d;
            }
        }
        if (a < 0) {
            return t.scanFrom(random.nextInt(t.size()));
        }
        if (b < 0) {
            return t.servers[a];
        }
        RealServer ra = t.servers[a];
        RealServer rb = t.servers[b];
        // a.active / a.weight > b.active / b.weight, without division
        return (long) ra.activeConnections() * t.weights[b] > (long) rb.activeConnections() * t.weights[a] ? rb : ra;
    }
}
