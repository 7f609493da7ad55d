package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A director as an operator runs it, on loopback: one TCP virtual service with two line-echo real servers (A and B)
 * under a TCP check every 100 ms, one VRRP instance without a key (run as --insecure) that becomes master alone, and
 * the admin endpoint with a fresh token. Closes everything it started.
 */
final class RunningDirector implements AutoCloseable {

    final LoopbackTest.Echo a;
    final LoopbackTest.Echo b;
    final int vip;
    final KeepalivedDirector director;
    final AdminServer admin;
    final String token = AdminToken.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RunningDirector(Path dir) throws IOException, ConfigException {
        a = new LoopbackTest.Echo("A");
        b = new LoopbackTest.Echo("B");
        vip = LoopbackTest.freePort();
        String check = "        TCP_CHECK {\n            connect_timeout 1\n            retry 0\n        }\n";
        Path conf = dir.resolve("director.conf");
        Files.writeString(conf, "global_defs {\n    router_id stats-test\n}\n"
                + "vrrp_instance VI_1 {\n    virtual_router_id 61\n    priority 120\n    advert_int 0.1\n"
                + "    unicast_src_ip 127.0.0.1\n    unicast_peer {\n        127.0.0.2\n    }\n"
                + "    lvs4j {\n        insecure\n        failover_port " + LoopbackTest.freePort() + "\n    }\n}\n"
                + "virtual_server 127.0.0.1 " + vip + " {\n    delay_loop 0.1\n    lb_algo rr\n    lb_kind NAT\n"
                + "    protocol TCP\n"
                + "    real_server 127.0.0.1 " + a.port() + " {\n        weight 3\n" + check + "    }\n"
                + "    real_server 127.0.0.1 " + b.port() + " {\n        weight 2\n" + check + "    }\n}\n");
        KeepalivedConfig.Result r = KeepalivedConfig.load(conf);
        assertThat(r.problems()).filteredOn(ConfigProblem::error).isEmpty();
        director = new KeepalivedDirector(r.config(), new KeepalivedDirector.Options(1, false));
        director.start().toCompletableFuture().join();
        admin = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, token, director,
                new DirectorMetrics(director), () -> "nothing changed");
    }

    String url(String path) {
        return "http://127.0.0.1:" + admin.address().getPort() + path;
    }

    String address(LoopbackTest.Echo e) {
        return "127.0.0.1:" + e.port();
    }

    /** A call with {@code authorization} as the Authorization header, none when {@code null}. */
    HttpResponse<String> call(String method, String path, String authorization) throws IOException,
            InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return call("GET", path, "Bearer " + token);
    }

    @Override
    public void close() throws IOException {
        admin.close();
        director.stop(Duration.ofMillis(200)).toCompletableFuture().join();
        a.close();
        b.close();
    }
}
