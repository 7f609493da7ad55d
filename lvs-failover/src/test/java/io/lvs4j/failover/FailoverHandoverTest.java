package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lvs4j.api.failover.FailoverHandover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failover's part of a hitless upgrade ({@link FailoverHandover}) on real UDP over loopback: a paused node that
 * resumes keeps its role unseen by its peer, and a successor that replays an old state is refused by the peer's
 * replay guard as any replay is. The whole exchange between two directors is in lvs-examples' FailoverHandoverTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverHandoverTest {

    private static final byte[] KEY = "a-shared-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII);
    private static final Duration ADVERT = Duration.ofMillis(100);
    private final List<VrrpFailover> nodes = new ArrayList<>();

    private InetSocketAddress a;
    private InetSocketAddress b;
    private VrrpFailover master;
    private VrrpFailover backup;

    @BeforeEach
    void pairOnLoopback() throws Exception {
        a = address();
        b = address();
        master = node(a, 150, b);
        backup = node(b, 100, a);
    }

    @AfterEach
    void closeAll() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private static InetSocketAddress address() throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            return new InetSocketAddress(ip, s.getLocalPort());
        }
    }

    private VrrpFailover node(InetSocketAddress self, int priority, InetSocketAddress peer) {
        VrrpFailover f = VrrpFailover.create(VrrpConfig.builder(51, self).priority(priority).advertInterval(ADVERT)
                .key(1, KEY).peer(peer).build());
        nodes.add(f);
        return f;
    }

    private static long refused(VrrpFailover f) {
        return f.rejections().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Starts both and waits until {@code master} is master and {@code backup} backup; then records the backup. */
    private List<RoleChange> pair() throws Exception {
        master.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        backup.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.MASTER
                && backup.role() == Role.BACKUP);
        List<RoleChange> changes = new CopyOnWriteArrayList<>();
        backup.onRoleChange(changes::add);
        return changes;
    }

    @Test
    void aPausedMasterThatResumesStaysMasterAndItsPeerRefusesNothing() throws Exception {
        List<RoleChange> seen = pair();

        FailoverHandover.Export export = master.handover().pause().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(export.role()).isEqualTo(Role.MASTER);
        assertThat(export.state()).contains("role=MASTER", "router=51", "priority=150");
        master.handover().resume(); // no successor came: it advertises again, its sequence moved on

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> master.role() == Role.MASTER && backup.role() == Role.BACKUP);
        assertThat(seen).isEmpty();
        assertThat(refused(backup)).isZero();
    }

    @Test
    void aMasterPausedForGoodIsReplacedByItsPeer() throws Exception {
        pair();

        master.handover().pause().toCompletableFuture().get(5, TimeUnit.SECONDS);
        master.handover().quiet().toCompletableFuture().get(5, TimeUnit.SECONDS);
        // quiet, it sends nothing: without a successor advertising, the peer's master down timer runs out
        await().atMost(Duration.ofSeconds(3)).until(() -> backup.role() == Role.MASTER);
    }

    @Test
    void aPausedMasterAdvertisesUntilQuietAndItsSuccessorContinuesTheRunWithNothingRefused() throws Exception {
        List<RoleChange> seen = pair();

        FailoverHandover.Export export = master.handover().pause().toCompletableFuture().get(5, TimeUnit.SECONDS);
        // a successor that takes long to prepare leaves no gap: the paused master goes on advertising, well past the
        // peer's master down interval (three adverts and the skew)
        await().during(ADVERT.multipliedBy(8)).atMost(ADVERT.multipliedBy(10))
                .until(() -> backup.role() == Role.BACKUP);

        master.handover().quiet().toCompletableFuture().get(5, TimeUnit.SECONDS);
        VrrpFailover successor = node(a, 150, b);
        assertThat(successor.handover().adopt(export.socketFd(), export.state())).isEqualTo(Role.MASTER);
        successor.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(successor.role()).isEqualTo(Role.MASTER);

        // its adverts continue from the exported sequence, above every advert the paused master sent meanwhile
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> successor.role() == Role.MASTER && backup.role() == Role.BACKUP);
        assertThat(seen).isEmpty();
        assertThat(refused(backup)).isZero();
    }

    @Test
    void aSuccessorReplayingAnOldStateIsRefusedByThePeersReplayGuard() throws Exception {
        List<RoleChange> seen = pair();

        FailoverHandover.Export old = master.handover().pause().toCompletableFuture().get(5, TimeUnit.SECONDS);
        master.handover().resume(); // advertises on, far past the state exported
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> master.role() == Role.MASTER);

        // a rogue successor with the group's key and the master's very socket starts from the old state
        VrrpFailover rogue = node(a, 150, b);
        rogue.handover().adopt(old.socketFd(), old.state());
        rogue.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(rogue.role()).isEqualTo(Role.MASTER);

        await().atMost(Duration.ofSeconds(5)).until(() -> backup.rejections().get(AdvertRejection.REPLAYED) > 0);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> master.role() == Role.MASTER && backup.role() == Role.BACKUP);
        assertThat(seen).isEmpty();
        Map<AdvertRejection, Long> r = backup.rejections();
        assertThat(refused(backup)).isEqualTo(r.get(AdvertRejection.REPLAYED));
    }

    @Test
    void aStateThatDoesNotFitIsRefusedNamingTheField() {
        String state = "v=1,router=51,bind=" + a.getAddress().getHostAddress() + ":" + a.getPort()
                + ",role=MASTER,boot=1f,seq=7,uptime=1000,priority=150";
        assertThatIllegalArgumentException().isThrownBy(() -> node(b, 150, a).handover().adopt(99, state))
                .withMessageContaining("bind");
        assertThatIllegalArgumentException().isThrownBy(() -> node(a, 100, b).handover().adopt(99, state))
                .withMessageContaining("priority 150, above this node's 100");
        assertThatIllegalArgumentException().isThrownBy(() -> node(a, 150, b).handover()
                .adopt(99, state.replace("router=51", "router=52"))).withMessageContaining("router 52");
        assertThatIllegalArgumentException().isThrownBy(() -> node(a, 150, b).handover()
                .adopt(99, state.replace("seq=7", "seq=x"))).withMessageContaining("field seq 'x'");
        assertThatIllegalArgumentException().isThrownBy(() -> node(a, 150, b).handover().adopt(99, "garbage"))
                .withMessageContaining("'garbage' is not NAME=VALUE");
        assertThatIllegalArgumentException().isThrownBy(() -> node(a, 150, b).handover()
                .adopt(99, state.replace("role=MASTER", "role=FAULT"))).withMessageContaining("role FAULT");
        // a field given twice would leave the node and its director reading different values: refused
        assertThatIllegalArgumentException().isThrownBy(() -> node(a, 150, b).handover()
                .adopt(99, state.replace("role=MASTER", "role=MASTER,role=BACKUP")))
                .withMessageContaining("field role appears more than once");
    }

    @Test
    void adoptTellsTheRoleTheNodeWillStartIn() {
        String state = "v=1,router=51,bind=" + a.getAddress().getHostAddress() + ":" + a.getPort()
                + ",role=BACKUP,boot=1f,seq=7,uptime=1000,priority=150";
        // never started, so the descriptor (99, not this process's socket) is never used
        assertThat(node(a, 150, b).handover().adopt(99, state)).isEqualTo(Role.BACKUP);
        assertThat(node(a, 150, b).handover().adopt(99, state.replace("role=BACKUP", "role=MASTER")))
                .isEqualTo(Role.MASTER);
    }
}
