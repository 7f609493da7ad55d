package io.lvs4j.scheduler;

import static io.lvs4j.scheduler.Fixtures.flow;
import static io.lvs4j.scheduler.Fixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lvs4j.api.Flow;
import io.lvs4j.api.PersistenceTemplate;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.RealServerState;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.internal.RealServerEngine;
import io.lvs4j.api.scheduler.Schedulers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersistentSchedulerTest {

    private final Fixtures.FakeTicker ticker = new Fixtures.FakeTicker();
    private final List<RealServer> list = servers(1, 1, 1);
    private final VirtualService service = VirtualService.builder(Protocol.TCP, Fixtures.VIP)
            .scheduler("rr").persistenceTimeout(Duration.ofSeconds(300)).persistenceNetmask(24)
            .realServers(list).build();

    private PersistentScheduler persistent(PersistenceConfig.Builder config) {
        PersistentScheduler p = PersistentScheduler.wrap(Schedulers.create("rr"), service, config.ticker(ticker).build());
        p.update(list);
        return p;
    }

    private PersistentScheduler persistent() {
        return persistent(PersistenceConfig.builder().timeout(Duration.ofSeconds(300)).ipv4Prefix(24));
    }

    @Test
    void aClientReturnsToItsServerAndItsNetworkSharesIt() {
        PersistentScheduler p = persistent();
        RealServer first = p.pick(flow(0x0a090001, 1000));
        assertThat(p.pick(flow(0x0a090001, 2000))).isSameAs(first);
        assertThat(p.pick(flow(0x0a0900fe, 3000))).isSameAs(first); // same /24
        RealServer other = p.pick(flow(0x0a090101, 1000)); // another /24: rr moves on
        assertThat(other).isNotSameAs(first);
        assertThat(p.templateCount()).isEqualTo(2);
    }

    @Test
    void ofTakesTheServicesTimeoutAndNetmask() {
        PersistenceConfig c = PersistenceConfig.of(service);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.ipv4Prefix()).isEqualTo(24);
        assertThat(c.ipv6Prefix()).isEqualTo(128);
        assertThatIllegalArgumentException().isThrownBy(() -> PersistenceConfig.of(
                        VirtualService.tcp("10.0.0.1", 80).build()))
                .withMessage("virtual service TCP 10.0.0.1:80 is not persistent");
        assertThatIllegalArgumentException().isThrownBy(() -> PersistenceConfig.builder().ipv4Prefix(33))
                .withMessage("ipv4Prefix must be 0..32 but was 33");
        assertThatIllegalArgumentException().isThrownBy(() -> PersistenceConfig.builder()
                        .timeout(Duration.ofMillis(10)))
                .withMessage("timeout must be >= 1s but was PT0.01S");
    }

    @Test
    void templateExpiresAfterTheTimeoutWithoutUseAndUseRenewsIt() {
        PersistentScheduler p = persistent();
        Flow f = flow(0x0a090001, 1000);
        RealServer first = p.pick(f);
        ticker.advance(Duration.ofSeconds(299));
        assertThat(p.pick(f)).isSameAs(first); // renewed for another 300 s
        ticker.advance(Duration.ofSeconds(299));
        assertThat(p.pick(f)).isSameAs(first);
        ticker.advance(Duration.ofSeconds(301));
        assertThat(p.templateCount()).isZero();
        assertThat(p.pick(f)).isNotSameAs(first); // rescheduled: rr moved on
    }

    @Test
    void quiescentOrDownServersTemplatesAreRescheduled() {
        PersistentScheduler p = persistent();
        Flow f = flow(0x0a090001, 1000);
        RealServer first = p.pick(f);
        first.setWeight(0);
        RealServer second = p.pick(f);
        assertThat(second).isNotSameAs(first);
        second.setState(RealServerState.DOWN);
        assertThat(p.pick(f)).isNotSameAs(second).isNotSameAs(first);
    }

    @Test
    void aDrainingServerKeepsItsPersistentClientsAndGetsNoNewOnes() {
        PersistentScheduler p = persistent();
        Flow f = flow(0x0a090001, 1000);
        RealServer first = p.pick(f);
        RealServerEngine.setDraining(first, true);
        assertThat(first.isAvailable()).isFalse();
        assertThat(p.pick(f)).isSameAs(first); // HAProxy's drain: persistence still sends the client back
        for (int net = 2; net < 8; net++) {
            assertThat(p.pick(flow(0x0a090001 + (net << 8), 1000))).isNotSameAs(first);
        }
        RealServerEngine.setDraining(first, false);
        assertThat(first.isAvailable()).isTrue();
    }

    @Test
    void quiescentTemplatesAreKeptWhenAskedLikeIpvsDefault() {
        PersistentScheduler p = persistent(PersistenceConfig.builder().expireQuiescentTemplate(false));
        Flow f = flow(0x0a090001, 1000);
        RealServer first = p.pick(f);
        first.setWeight(0);
        assertThat(p.pick(f)).isSameAs(first);
    }

    @Test
    void portSpecificTemplatesSeparatePorts() {
        PersistentScheduler p = persistent(PersistenceConfig.builder().portSpecific(true));
        RealServer a = p.pick(flow(0x0a090001, 1000));
        RealServer b = p.pick(flow(0x0a090001, 1001));
        assertThat(a).isNotSameAs(b);
        assertThat(p.pick(flow(0x0a090001, 1000))).isSameAs(a);
    }

    @Test
    void exportedTemplatesImportIntoAStandbyAndKeepTheirServer() throws Exception {
        PersistentScheduler master = persistent();
        RealServer a = master.pick(flow(0x0a090001, 1000));
        RealServer b = master.pick(flow(0x0a0a0001, 1000));
        ticker.advance(Duration.ofSeconds(100));
        List<PersistenceTemplate> exported = master.exportTemplates();
        assertThat(exported).hasSize(2).allSatisfy(t -> {
            assertThat(t.remainingMillis()).isEqualTo(200_000);
            assertThat(t.virtualService()).isEqualTo(Fixtures.VIP);
        });
        assertThat(exported).anySatisfy(t -> {
            assertThat(t.clientNetwork()).isEqualTo(InetAddress.getByName("10.9.0.0"));
            assertThat(t.realServer()).isEqualTo(a.address());
        });

        // the standby's real servers are its own objects at the same addresses, and its rr would pick otherwise
        List<RealServer> standbyServers = servers(1, 1, 1);
        PersistentScheduler standby = PersistentScheduler.wrap(Schedulers.create("rr"), service,
                PersistenceConfig.builder().ipv4Prefix(24).ticker(ticker).build());
        standby.update(standbyServers);
        standby.pick(flow(0x0b000001, 1));
        standby.pick(flow(0x0b000002, 1));
        assertThat(standby.importTemplates(exported)).isEqualTo(2);
        assertThat(standby.pick(flow(0x0a0900aa, 5555)).address()).isEqualTo(a.address());
        assertThat(standby.pick(flow(0x0a0a00bb, 5555)).address()).isEqualTo(b.address());

        // an imported template keeps only its remaining life
        ticker.advance(Duration.ofSeconds(201));
        PersistentScheduler other = PersistentScheduler.wrap(Schedulers.create("rr"), service,
                PersistenceConfig.builder().ipv4Prefix(24).ticker(ticker).build());
        other.update(standbyServers);
        other.importTemplates(exported);
        ticker.advance(Duration.ofSeconds(201));
        assertThat(other.templateCount()).isZero();
    }

    @Test
    void templatesOfOtherServicesAreNotImported() throws Exception {
        PersistentScheduler p = persistent();
        PersistenceTemplate foreign = new PersistenceTemplate(Protocol.TCP,
                new InetSocketAddress("10.0.0.101", 80), InetAddress.getByName("10.9.0.0"), 0,
                list.get(0).address(), 1000);
        assertThat(p.importTemplates(List.of(foreign))).isZero();
    }

    @Test
    void ipv6ClientsAreMaskedToTheirPrefix() {
        VirtualService v6 = VirtualService.builder(Protocol.TCP, new InetSocketAddress("::1", 80))
                .scheduler("rr").persistent().persistenceNetmask(64).build();
        PersistentScheduler p = PersistentScheduler.wrap(Schedulers.create("rr"), v6);
        p.update(list);
        RealServer first = p.pick(Flow.tcp(new InetSocketAddress("2001:db8:0:1::5", 1000), v6.address()));
        assertThat(p.pick(Flow.tcp(new InetSocketAddress("2001:db8:0:1:ffff::9", 2000), v6.address())))
                .isSameAs(first);
        assertThat(p.pick(Flow.tcp(new InetSocketAddress("2001:db8:0:2::5", 1000), v6.address())))
                .isNotSameAs(first);
    }
}
