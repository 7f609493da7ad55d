package io.lvs4j.health;

import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.health.internal.DefaultHealthMonitor;
import io.lvs4j.health.internal.HttpCheck;
import io.lvs4j.health.internal.DnsCheck;
import io.lvs4j.health.internal.MiscCheck;
import io.lvs4j.health.internal.SmtpCheck;
import io.lvs4j.health.internal.UdpCheck;
import io.lvs4j.health.internal.TcpCheck;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Creates health monitors and the built-in checks. A monitor made here owns one Netty event loop that runs both its
 * timers and its network checks; closing the monitor releases it.
 *
 * <pre>{@code
 * HealthMonitor monitor = HealthMonitors.create(HealthMonitorConfig.custom().delayLoop(Duration.ofSeconds(2))
 *         .fall(3).rise(2).build(), checks -> checks.tcp(Duration.ofSeconds(1)));
 * Director director = Director.builder().virtualService(web).healthMonitor(monitor).build();
 * }</pre>
 */
public final class HealthMonitors {

    private HealthMonitors() {
    }

    /** The built-in checks bound to a monitor's event loop. */
    public static final class Checks {
        private final EventLoopGroup group;

        Checks(EventLoopGroup group) {
            this.group = group;
        }

        /** keepalived {@code TCP_CHECK} against each real server's own address. */
        public CheckFactory tcp(Duration connectTimeout) {
            return tcp(connectTimeout, null, null);
        }

        /**
         * keepalived {@code TCP_CHECK} with {@code connect_ip}/{@code connect_port} ({@code connectTo}) and
         * {@code bindto} ({@code bindTo}); either may be {@code null}.
         */
        public CheckFactory tcp(Duration connectTimeout, @Nullable InetSocketAddress connectTo,
                                @Nullable InetSocketAddress bindTo) {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            HealthCheck check = new TcpCheck(group, connectTimeout, connectTo, bindTo);
            return CheckFactory.always(check);
        }

        /**
         * keepalived {@code MISC_CHECK}: runs {@code command} (the real server's address and port are appended) and
         * judges its exit code; with {@code dynamic} ({@code misc_dynamic}) codes 2..255 set the weight to
         * {@code code - 2}. A command running past {@code timeout} is killed and fails.
         */
        public CheckFactory command(List<String> command, Duration timeout, boolean dynamic) {
            return CheckFactory.always(new MiscCheck(command, timeout, dynamic));
        }

        /**
         * keepalived {@code UDP_CHECK}: sends {@code payload}; with {@code requireReply} a reply of
         * {@code minReplyLength..maxReplyLength} bytes must arrive within {@code timeout}, otherwise only an ICMP port
         * unreachable fails the check.
         */
        public CheckFactory udp(byte[] payload, boolean requireReply, int minReplyLength, int maxReplyLength,
                                Duration timeout) {
            return CheckFactory.always(new UdpCheck(group, payload, requireReply, minReplyLength, maxReplyLength,
                    timeout));
        }

        /** keepalived {@code SMTP_CHECK}: a 220 banner, then 250 to {@code HELO heloName}. */
        public CheckFactory smtp(String heloName, Duration timeout) {
            return CheckFactory.always(new SmtpCheck(group, heloName, timeout));
        }

        /**
         * keepalived {@code DNS_CHECK}: a NOERROR answer with at least one {@code type} record of {@code name}
         * (keepalived's default: SOA of {@code "."}).
         */
        public CheckFactory dns(String type, String name, Duration timeout) {
            return CheckFactory.always(new DnsCheck(group, io.netty.handler.codec.dns.DnsRecordType.valueOf(
                    type.toUpperCase(java.util.Locale.ROOT)), name, timeout));
        }

        /** keepalived {@code HTTP_GET}, or {@code SSL_GET} when {@code spec} asks for TLS. */
        public CheckFactory http(HttpGet spec) {
            return http(spec, null);
        }

        /** {@code HTTP_GET}/{@code SSL_GET} against {@code connectTo} ({@code connect_ip}/{@code connect_port}). */
        public CheckFactory http(HttpGet spec, @Nullable InetSocketAddress connectTo) {
            Objects.requireNonNull(spec, "spec");
            return CheckFactory.always(new HttpCheck(group, spec, connectTo));
        }
    }

    /**
     * A monitor with its own event loop; {@code checks} chooses each real server's check from the built-ins or
     * returns custom ones.
     */
    public static HealthMonitor create(HealthMonitorConfig config, Function<Checks, CheckFactory> checks) {
        return create(ConfigFactory.always(config), checks);
    }

    /**
     * A monitor with its own event loop whose settings differ per real server ({@code configs}, asked again after each
     * check); {@code checks} chooses each real server's check from the built-ins or returns custom ones.
     */
    public static HealthMonitor create(ConfigFactory configs, Function<Checks, CheckFactory> checks) {
        Objects.requireNonNull(configs, "configs");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lvs4j-health", true),
                NioIoHandler.newFactory());
        CheckFactory factory = checks.apply(new Checks(group));
        java.util.function.ToLongFunction<HealthMonitorConfig> warmup = c -> {
            long max = c.warmup().toNanos();
            return max == 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
        };
        return new DefaultHealthMonitor(configs, factory, CheckTimer.of(group), warmup,
                () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
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
