package io.lvs4j.scheduler.internal;

import io.lvs4j.api.Flow;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.scheduler.SchedulerConfig;
import org.jspecify.annotations.Nullable;

/** {@code random}: a weighted random real server in O(1) (alias method); unavailable draws are retried. */
final class WeightedRandom extends AliasScheduler {

    WeightedRandom(SchedulerConfig config) {
        super("random", config);
    }

    @Override
    public @Nullable RealServer pick(Flow flow) {
        AliasTable t = table();
        if (t.size() == 0) {
            return null;
        }
        for (int i = 0; i < DRAWS; i++) {
            RealServer rs = t.servers[t.draw(random)];
            if (rs.isAvailable()) {
                return rs;
            }
        }
        return t.scanFrom(random.nextInt(t.size()));
    }
}
