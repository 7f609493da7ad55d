package io.lvs4j.forward.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.PersistenceTemplate;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The wire form of replicated persistence templates. */
class TemplateSyncTest {

    private static PersistenceTemplate t(String client, String real, long remaining) throws Exception {
        return new PersistenceTemplate(Protocol.TCP, new InetSocketAddress("10.0.0.100", 80),
                InetAddress.getByName(client), 0, new InetSocketAddress(real, 8080), remaining);
    }

    @Test
    void templatesSurviveTheWireInBothFamilies() throws Exception {
        List<PersistenceTemplate> in = List.of(t("172.16.0.0", "10.0.0.2", 299_000),
                new PersistenceTemplate(Protocol.UDP, new InetSocketAddress("2001:db8::100", 53),
                        InetAddress.getByName("2001:db8:1::"), 5353, new InetSocketAddress("2001:db8::2", 53), 1));
        assertThat(TemplateSync.decode(TemplateSync.encode(in))).isEqualTo(in);
        assertThat(TemplateSync.decode(TemplateSync.encode(List.of()))).isEmpty();
    }

    @Test
    void badStateIsRefusedWithTheByteNamedAndNeverThrowsAnythingElse() throws Exception {
        byte[] good = TemplateSync.encode(List.of(t("172.16.0.0", "10.0.0.2", 1000)));
        byte[] wrongVersion = good.clone();
        wrongVersion[0] = 9;
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateSync.decode(wrongVersion))
                .withMessage("byte 0: version 9, expected 1");
        byte[] badFamily = good.clone();
        badFamily[4] = 5;
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateSync.decode(badFamily))
                .withMessage("byte 4: address family 5, expected 4 or 6");
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateSync.decode(cut))
                .withMessageContaining("ends inside a template");
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] noise = new byte[random.nextInt(80)];
            random.nextBytes(noise);
            try {
                TemplateSync.decode(noise);
            } catch (IllegalArgumentException expected) {
                // the only way it may fail
            }
        }
    }

    @Test
    void exportsSendEverythingInASnapshotAndOnlyChangesInBetween() throws Exception {
        RealServer a = RealServer.of("10.0.0.2", 8080);
        VirtualService vs = VirtualService.tcp("10.0.0.100", 80).scheduler("rr")
                .persistent().realServer(a).build();
        ServiceRuntime runtime = new ServiceRuntime(vs, Ticker.system(), null);
        TemplateSync sync = new TemplateSync(() -> List.of(runtime));
        assertThat(runtime.persistence()).isNotNull();
        assertThat(sync.export(false, 60_000)).isEmpty();
        runtime.persistence().importTemplates(List.of(t("172.16.0.1", "10.0.0.2", 100_000)));
        assertThat(TemplateSync.decode(sync.export(false, 60_000))).hasSize(1);
        assertThat(sync.export(false, 60_000)).as("nothing changed since").isEmpty();
        assertThat(TemplateSync.decode(sync.export(true, 60_000))).hasSize(1);
        assertThat(TemplateSync.decode(sync.export(true, 10))).as("no room for one").isEmpty();
        // snapshots that cannot hold every template go round them: two snapshots of room for one cover both
        runtime.persistence().importTemplates(List.of(t("172.16.0.2", "10.0.0.2", 100_000)));
        int oneTemplate = TemplateSync.encode(List.of(t("172.16.0.1", "10.0.0.2", 1))).length;
        Set<InetAddress> covered = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            List<PersistenceTemplate> snapshot = TemplateSync.decode(sync.export(true, oneTemplate + 3 + 60));
            assertThat(snapshot).hasSize(1);
            covered.add(snapshot.get(0).clientNetwork());
        }
        assertThat(covered).hasSize(2);
        runtime.close();
    }
}
