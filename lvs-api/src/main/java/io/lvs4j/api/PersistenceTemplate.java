package io.lvs4j.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A persistence template (IPVS "connection template"): clients from {@code clientNetwork} that connect to
 * {@code virtualService} go to {@code realServer} until the template expires. Templates are exported by the master
 * director and imported by its standby so returning clients keep their real server after a takeover.
 *
 * @param protocol the virtual service's protocol
 * @param virtualService the virtual service's address and port
 * @param clientNetwork the client address masked to the service's persistence netmask
 * @param clientPort the client port the template is bound to, or 0 for any port (the usual case)
 * @param realServer the real server's address and port
 * @param remainingMillis how long the template stays valid from the moment it was exported, in milliseconds
 */
public record PersistenceTemplate(Protocol protocol, InetSocketAddress virtualService, InetAddress clientNetwork,
                                  int clientPort, InetSocketAddress realServer, long remainingMillis) {

    /** Validates the fields. */
    public PersistenceTemplate {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(virtualService, "virtualService");
        Objects.requireNonNull(clientNetwork, "clientNetwork");
        Objects.requireNonNull(realServer, "realServer");
        if (clientPort < 0 || clientPort > 65535) {
            throw new IllegalArgumentException("clientPort must be 0..65535 but was " + clientPort);
        }
        if (remainingMillis < 0) {
            throw new IllegalArgumentException("remainingMillis must be >= 0 but was " + remainingMillis);
        }
    }
}
