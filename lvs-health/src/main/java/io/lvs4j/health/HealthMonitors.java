package io.lvs4j.health;

import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.health.internal.CheckLoop;
import io.lvs4j.health.internal.DefaultHealthMonitor;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Creates health monitors. A monitor made by {@link #create(HealthMonitorConfig, CheckFactory)} runs its timers and
 * network checks on the {@code lvs4j-health} event loop, which every such monitor of the process shares: the first
 * one starts it and closing the last one releases it. The checks are plain values: keepalived's checkers are
 * {@link CheckFactory}'s static methods ({@link CheckFactory#tcp}, {@link CheckFactory#http}, ...), combined with
 * {@link CheckFactory#allOf} and {@link CheckFactory#connectTo}, or any {@link CheckFactory} of your own.
 *
 * <pre>{@code
 * HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.builder().delayLoop(Duration.ofSeconds(2))
 *         .fall(3).rise(2).build(), CheckFactory.tcp(Duration.ofSeconds(1)));
 * Director director = Director.builder().virtualService(web).healthMonitor(monitor).build();
 * }</pre>
 */
public final class HealthMonitors {

    private HealthMonitors() {
    }

    /** A monitor on the shared health event loop that checks each real server with {@code checks}' check. */
    public static HealthMonitor create(HealthMonitorConfig config, CheckFactory checks) {
        return create(ConfigFactory.always(config), checks);
    }

    /**
     * A monitor on the shared health event loop whose settings differ per real server ({@code configs}, asked again
     * after each check), checking each real server with {@code checks}' check.
     */
    public static HealthMonitor create(ConfigFactory configs, CheckFactory checks) {
        Objects.requireNonNull(configs, "configs");
        Objects.requireNonNull(checks, "checks");
        EventLoopGroup group = CheckLoop.acquire();
        ToLongFunction<HealthMonitorConfig> warmup = c -> {
            long max = c.warmup().toNanos();
            return max == 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
        };
        return new DefaultHealthMonitor(configs, checks, CheckTimer.of(group), warmup, CheckLoop::release);
    }
    /**
     * A monitor on a timer the caller drives (tests, or an embedding that has its own scheduler), with custom checks.
     *
     * @param warmupNanos the delay before each real server's first check
     */
    public static HealthMonitor create(HealthMonitorConfig config, CheckFactory checks, CheckTimer timer,
                                       LongSupplier warmupNanos) {
        return create(ConfigFactory.always(config), checks, timer, warmupNanos);
    }

    /**
     * A monitor on a timer the caller drives, whose settings differ per real server ({@code configs}, asked again after
     * each check), with custom checks.
     *
     * @param warmupNanos the delay before each real server's first check
     */
    public static HealthMonitor create(ConfigFactory configs, CheckFactory checks, CheckTimer timer,
                                       LongSupplier warmupNanos) {
        return new DefaultHealthMonitor(Objects.requireNonNull(configs, "configs"), checks, timer,
                c -> warmupNanos.getAsLong(), () -> { });
    }
}
