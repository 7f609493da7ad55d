package io.lvs4j.failover;

import io.lvs4j.api.failover.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A director stand-in for {@link AdvertReplayProcessTest}, run as its own process on 127.0.0.1:
 * {@code ReplayNode FAILOVER_PORT PEER_PORT TAP_PORT PRIORITY SERVICE_PORT}. It serves SERVICE_PORT (answers "served"
 * and closes) only while master, as a Director given a failover binds its services, prints "role ROLE" on every
 * change, and stops (resigning) when its standard input closes.
 */
public final class ReplayNode {

    private ReplayNode() {
    }

    private static volatile ServerSocket service;

    public static void main(String[] args) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        int servicePort = Integer.parseInt(args[4]);
        VrrpFailover node = VrrpFailover.create(VrrpConfig.builder(52, new InetSocketAddress(lo,
                        Integer.parseInt(args[0])))
                .priority(Integer.parseInt(args[3])).advertInterval(Duration.ofMillis(100))
                .key(1, "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII))
                .peer(new InetSocketAddress(lo, Integer.parseInt(args[1])))
                .peer(new InetSocketAddress(lo, Integer.parseInt(args[2]))).build());
        node.onRoleChange(c -> {
            synchronized (ReplayNode.class) {
                try {
                    if (c.current() == Role.MASTER && service == null) {
                        ServerSocket s = new ServerSocket();
                        s.setReuseAddress(true);
                        s.bind(new InetSocketAddress(lo, servicePort));
                        service = s;
                        Thread t = new Thread(() -> serve(s), "service");
                        t.setDaemon(true);
                        t.start();
                    } else if (c.current() != Role.MASTER && service != null) {
                        service.close();
                        service = null;
                    }
                } catch (IOException e) {
                    System.out.println("service error " + e);
                }
            }
            System.out.println("role " + c.current());
            System.out.println("rejections " + node.rejections());
            System.out.flush();
        });
        node.start().toCompletableFuture().join();
        while (System.in.read() >= 0) {
            // until the test closes our input
        }
        System.out.println("rejections " + node.rejections());
        node.close();
    }

    private static void serve(ServerSocket s) {
        while (!s.isClosed()) {
            try (Socket c = s.accept(); OutputStream out = c.getOutputStream()) {
                out.write("served\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or a client gone
            }
        }
    }
}
