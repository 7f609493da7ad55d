package io.lvs4j.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import io.lvs4j.health.internal.CheckLoop;
import io.lvs4j.health.internal.DnsCheck;
import io.lvs4j.health.internal.HttpCheck;
import io.lvs4j.health.internal.MiscCheck;
import io.lvs4j.health.internal.SmtpCheck;
import io.lvs4j.health.internal.TcpCheck;
import io.lvs4j.health.internal.UdpCheck;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the check for each real server of a watched virtual service (keepalived's per-real-server checker). The
 * static methods give keepalived's checkers ({@link #tcp}, {@link #http}, {@link #udp}, {@link #dns}, {@link #smtp},
 * {@link #command}) and combine factories ({@link #allOf}, {@link #connectTo}); any lambda is a custom check.
 *
 * <p>The network checkers run on the event loop of the monitors made by
 * {@link HealthMonitors#create(HealthMonitorConfig, CheckFactory)}: their {@link #checkFor} fails with
 * {@link IllegalStateException} while no such monitor is open (a monitor asks it only while it runs).
 */
@FunctionalInterface
public interface CheckFactory {

    /** The check that probes {@code realServer} of {@code service}. */
    HealthCheck checkFor(VirtualService service, RealServer realServer);

    /**
     * keepalived's {@code connect_ip}/{@code connect_port} for any check: {@code checks} probes {@code address}
     * instead of the real server's own address (the outcome still applies to the real server).
     */
    static CheckFactory connectTo(InetSocketAddress address, CheckFactory checks) {
        RealServer probe = RealServer.builder(address).build();
        return (service, realServer) -> {
            HealthCheck check = checks.checkFor(service, realServer);
            return target -> check.check(probe);
        };
    }

    /**
     * keepalived's several checkers on one real server: a real server passes only when every one of {@code factories}'
     * checks passes. The checks run at once and the result is that of the first one (in the given order) that failed,
     * an exceptional stage counting as {@code down("check failed")}, or {@link CheckResult#up()} when all passed. With
     * no factory the check always passes; with one it is that factory's own check (so a weight it sets, keepalived's
     * {@code misc_dynamic}, applies; with several, passing keeps the weight).
     */
    static CheckFactory allOf(List<? extends CheckFactory> factories) {
        List<CheckFactory> copy = List.copyOf(factories);
        return (service, realServer) -> {
            List<HealthCheck> checks = new ArrayList<>(copy.size());
            for (CheckFactory f : copy) {
                checks.add(f.checkFor(service, realServer));
            }
            return allPass(checks);
        };
    }

    private static HealthCheck allPass(List<HealthCheck> checks) {
        if (checks.isEmpty()) {
            return rs -> CompletableFuture.completedFuture(CheckResult.up());
        }
        if (checks.size() == 1) {
            return checks.get(0);
        }
        return rs -> {
            List<CompletableFuture<CheckResult>> results = checks.stream()
                    .map(h -> h.check(rs).toCompletableFuture()).toList();
            return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).handle((v, e) -> {
                for (CompletableFuture<CheckResult> f : results) {
                    CheckResult r = f.isCompletedExceptionally() ? CheckResult.down("check failed") : f.join();
                    if (!r.healthy()) {
                        return r;
                    }
                }
                return CheckResult.up();
            });
        };
    }

    /** keepalived {@code TCP_CHECK} against each real server's own address. */
    static CheckFactory tcp(Duration connectTimeout) {
        return tcp(connectTimeout, null, null);
    }

    /**
     * keepalived {@code TCP_CHECK} with {@code connect_ip}/{@code connect_port} ({@code connectTo}) and
     * {@code bindto} ({@code bindTo}); either may be {@code null}.
     */
    static CheckFactory tcp(Duration connectTimeout, @Nullable InetSocketAddress connectTo,
                            @Nullable InetSocketAddress bindTo) {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        return CheckLoop.bound(group -> new TcpCheck(group, connectTimeout, connectTo, bindTo));
    }

    /**
     * keepalived {@code MISC_CHECK}: runs {@code command} (the real server's address and port are appended) and
     * judges its exit code; with {@code dynamic} ({@code misc_dynamic}) codes 2..255 set the weight to
     * {@code code - 2}. A command running past {@code timeout} is killed and fails.
     */
    static CheckFactory command(List<String> command, Duration timeout, boolean dynamic) {
        return always(new MiscCheck(command, timeout, dynamic));
    }

    /**
     * keepalived {@code UDP_CHECK}: sends {@code payload}; with {@code requireReply} a reply of
     * {@code minReplyLength..maxReplyLength} bytes must arrive within {@code timeout}, otherwise only an ICMP port
     * unreachable fails the check.
     */
    static CheckFactory udp(byte[] payload, boolean requireReply, int minReplyLength, int maxReplyLength,
                            Duration timeout) {
        UdpCheck.checkReplyLengths(minReplyLength, maxReplyLength);
        byte[] copy = payload.clone();
        return CheckLoop.bound(group -> new UdpCheck(group, copy, requireReply, minReplyLength, maxReplyLength,
                timeout));
    }

    /** keepalived {@code SMTP_CHECK}: a 220 banner, then 250 to {@code HELO heloName}. */
    static CheckFactory smtp(String heloName, Duration timeout) {
        Objects.requireNonNull(heloName, "heloName");
        return CheckLoop.bound(group -> new SmtpCheck(group, heloName, timeout));
    }

    /**
     * keepalived {@code DNS_CHECK}: a NOERROR answer with at least one {@code type} record of {@code name}
     * (keepalived's default: SOA of {@code "."}).
     *
     * @throws IllegalArgumentException when {@code type} is not a DNS record type
     */
    static CheckFactory dns(String type, String name, Duration timeout) {
        DnsRecordType t = DnsRecordType.valueOf(type.toUpperCase(Locale.ROOT));
        Objects.requireNonNull(name, "name");
        return CheckLoop.bound(group -> new DnsCheck(group, t, name, timeout));
    }

    /** keepalived {@code HTTP_GET}, or {@code SSL_GET} when {@code spec} asks for TLS. */
    static CheckFactory http(HttpGet spec) {
        return http(spec, null);
    }

    /** {@code HTTP_GET}/{@code SSL_GET} against {@code connectTo} ({@code connect_ip}/{@code connect_port}). */
    static CheckFactory http(HttpGet spec, @Nullable InetSocketAddress connectTo) {
        Objects.requireNonNull(spec, "spec");
        return CheckLoop.bound(group -> new HttpCheck(group, spec, connectTo));
    }

    /** The same check for every real server. */
    static CheckFactory always(HealthCheck check) {
        return (service, realServer) -> check;
    }
}
