package io.lvs4j.health;

import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.health.CheckResult;
import io.lvs4j.api.health.HealthCheck;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Chooses the check for each real server of a watched virtual service (keepalived's per-real-server checker). */
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

    /** The same check for every real server. */
    static CheckFactory always(HealthCheck check) {
        return (service, realServer) -> check;
    }
}
