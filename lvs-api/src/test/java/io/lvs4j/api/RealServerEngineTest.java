package io.lvs4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.lvs4j.api.internal.RealServerEngine;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An application reads a real server's bookkeeping but cannot write it: only the engine's accessor can. */
class RealServerEngineTest {

    private static final List<String> ENGINE_WRITES = List.of("connectionOpened", "inactiveConnectionOpened",
            "connectionActivated", "connectionDeactivated", "connectionClosed", "setEjected", "setDraining");

    @Test
    void realServerShowsNoBookkeepingWriteToAnApplication() {
        List<String> publicMethods = Arrays.stream(RealServer.class.getMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers())).map(Method::getName).toList();
        assertThat(publicMethods).doesNotContainAnyElementsOf(ENGINE_WRITES)
                .contains("activeConnections", "inactiveConnections", "isEjected", "isDraining", "setWeight");
    }

    @Test
    void nobodyButRealServerInstallsTheAccess() {
        RealServer.of("127.0.0.1", 80); // RealServer has installed its own
        RealServerEngine.Access fake = (RealServerEngine.Access) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RealServerEngine.Access.class}, (proxy, method, args) -> null);
        assertThatIllegalStateException().isThrownBy(() -> RealServerEngine.Slot.install(fake))
                .withMessageContaining("only RealServer");
    }

    @Test
    void theEngineWritesReachTheRealServer() {
        RealServer rs = RealServer.builder("127.0.0.1", 80).upperThreshold(2).build();
        RealServerEngine.inactiveConnectionOpened(rs);
        RealServerEngine.connectionActivated(rs);
        RealServerEngine.connectionOpened(rs);
        assertThat(rs.activeConnections()).isEqualTo(2);
        assertThat(rs.isOverloaded()).isTrue();
        RealServerEngine.connectionDeactivated(rs);
        RealServerEngine.connectionClosed(rs, false);
        RealServerEngine.connectionClosed(rs, true);
        assertThat(rs.activeConnections() + rs.inactiveConnections()).isZero();
        assertThat(rs.isOverloaded()).isFalse();
        RealServerEngine.setEjected(rs, true);
        RealServerEngine.setDraining(rs, true);
        assertThat(rs.isEjected()).isTrue();
        assertThat(rs.isDraining()).isTrue();
        assertThat(rs.isAvailable()).isFalse();
    }
}
