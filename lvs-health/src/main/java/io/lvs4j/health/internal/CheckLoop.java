package io.lvs4j.health.internal;

import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.health.CheckFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one event loop ({@code lvs4j-health}) that runs the timers and the network checks of every health monitor made
 * by {@code HealthMonitors.create}: started by the first such monitor, shut down when the last one closes. The
 * built-in checks take it when a monitor asks them for a real server's check, so they need no loop of their own and
 * can be passed to a monitor as plain values. Not API.
 */
public final class CheckLoop {

    private static @Nullable EventLoopGroup group; // guarded by CheckLoop.class
    private static int users; // guarded by CheckLoop.class

    private CheckLoop() {
    }

    /** Takes a share of the loop, starting it if nobody holds one; give it back with {@link #release()}. */
    public static synchronized EventLoopGroup acquire() {
        EventLoopGroup g = group;
        if (g == null) {
            g = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lvs4j-health", true),
                    NioIoHandler.newFactory());
            group = g;
        }
        users++;
        return g;
    }

    /** Gives a share back; the last one shuts the loop down. */
    public static synchronized void release() {
        EventLoopGroup g = group;
        if (g == null || users == 0) {
            return;
        }
        if (--users == 0) {
            group = null;
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * A factory whose one check runs on the running loop: {@code make} builds it on first use and again only when the
     * loop was replaced (every monitor had closed), so a TLS context or payload is prepared once, not per server.
     */
    public static CheckFactory bound(Function<EventLoopGroup, HealthCheck> make) {
        Objects.requireNonNull(make, "make");
        AtomicReference<@Nullable Bound> last = new AtomicReference<>();
        return (service, realServer) -> {
            EventLoopGroup g = current();
            Bound b = last.get();
            if (b == null || b.group != g) {
                b = new Bound(g, make.apply(g));
                last.set(b);
            }
            return b.check;
        };
    }

    /** A check and the loop it was built on. */
    private record Bound(EventLoopGroup group, HealthCheck check) {
    }

    /**
     * The running loop, for a built-in check.
     *
     * @throws IllegalStateException when no monitor made by {@code HealthMonitors.create} is open
     */
    public static synchronized EventLoopGroup current() {
        EventLoopGroup g = group;
        if (g == null) {
            throw new IllegalStateException("the built-in checks run on the event loop of the health monitors made "
                    + "by HealthMonitors.create(config, checks); none is open");
        }
        return g;
    }
}
