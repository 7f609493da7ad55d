package io.lvs4j.health.internal;

import io.lvs4j.api.health.CheckResult;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The end of every network check: a deadline on the channel's event loop, and the channel closed once judged. */
final class CheckDeadline {

    private CheckDeadline() {
    }

    /**
     * Completes {@code result} with {@code onTimeout} unless it completes within {@code timeoutMillis}; whichever
     * comes first, the timer is cancelled and {@code channel} closed.
     */
    static void arm(Channel channel, CompletableFuture<CheckResult> result, long timeoutMillis, CheckResult onTimeout) {
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> result.complete(onTimeout), timeoutMillis,
                TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> {
            timer.cancel(false);
            channel.close();
        });
    }
}
