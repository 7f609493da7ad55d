package io.lvs4j.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.Registration;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A director under failover binds its virtual services only as master, and keeps trying while the address is taken. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverBindTest {

    /** A failover whose role the test sets by hand. */
    static final class ManualFailover implements Failover {
        private final List<Consumer<? super RoleChange>> listeners = new CopyOnWriteArrayList<>();
        private volatile Role role = Role.BACKUP;

        void become(Role next) {
            Role previous = role;
            role = next;
            listeners.forEach(l -> l.accept(new RoleChange(previous, next, 1, "test")));
        }

        @Override
        public Role role() {
            return role;
        }

        @Override
        public int priority() {
            return PRIORITY_DEFAULT;
        }

        @Override
        public CompletionStage<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stop() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Registration onRoleChange(Consumer<? super RoleChange> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
        }
    }

    private static boolean accepts(VirtualService vs) {
        try (Socket s = new Socket()) {
            s.connect(vs.address(), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aNewMasterBindsAsSoonAsTheOldMasterLetsGoOfTheAddress() throws Exception {
        try (Backends.Server backend = Backends.echo()) {
            int port = Backends.freePort();
            VirtualService vs = VirtualService.tcp("127.0.0.1", port)
                    .realServer(RealServer.builder(backend.address()).build()).build();
            ManualFailover failover = new ManualFailover();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).failover(failover).build()) {
                List<Boolean> servingChanges = new CopyOnWriteArrayList<>();
                d.onServingChange(e -> servingChanges.add(e.serving() && accepts(vs))); // bound when it says so
                d.start().toCompletableFuture().join();
                assertThatThrownBy(() -> new Socket().connect(vs.address(), 1000))
                        .as("a backup does not bind").isInstanceOf(ConnectException.class);

                ServerSocket oldMaster = new ServerSocket(port, 50, Backends.LOOPBACK);
                failover.become(Role.MASTER); // the first bind fails: the address is taken
                oldMaster.close(); // the old master hears our advert and lets go
                await().atMost(Duration.ofSeconds(5)).until(() -> accepts(vs));
                try (Socket s = new Socket()) {
                    s.connect(vs.address(), 1000);
                    s.setSoTimeout(5000);
                    s.getOutputStream().write(7);
                    assertThat(s.getInputStream().read()).as("served through the director").isEqualTo(7);
                }

                failover.become(Role.BACKUP);
                await().atMost(Duration.ofSeconds(5)).until(() -> !accepts(vs));
                assertThat(servingChanges).containsExactly(true, false);
            }
        }
    }

    @Test
    void aNodeDemotedWhileItsAddressIsTakenStopsTrying() throws Exception {
        try (Backends.Server backend = Backends.echo()) {
            int port = Backends.freePort();
            VirtualService vs = VirtualService.tcp("127.0.0.1", port)
                    .realServer(RealServer.builder(backend.address()).build()).build();
            ManualFailover failover = new ManualFailover();
            try (Director d = Director.builder().virtualService(vs).ioThreads(1).failover(failover).build()) {
                d.start().toCompletableFuture().join();
                try (ServerSocket other = new ServerSocket(port, 50, Backends.LOOPBACK)) {
                    failover.become(Role.MASTER);
                    failover.become(Role.BACKUP);
                }
                // the holder has let go; for many retry periods the demoted node must not bind
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !accepts(vs));
            }
        }
    }
}
