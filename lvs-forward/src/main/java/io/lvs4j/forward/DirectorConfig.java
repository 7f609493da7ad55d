package io.lvs4j.forward;

import io.lvs4j.api.Ticker;
import io.lvs4j.api.VirtualService;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.health.HealthMonitor;
import io.lvs4j.api.health.OutlierDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link Director} was built with; immutable. See {@link DirectorBuilder} for the defaults.
 *
 * @param virtualServices the virtual services to serve at start
 * @param ioThreads event-loop threads (accepting and relaying share them, as HAProxy's threads do)
 * @param transport the Netty transport
 * @param connectTimeout how long a connection to a real server may take
 * @param idleTimeout how long an established connection may carry no byte either way
 * @param halfClosedTimeout how long a connection may stay open after one side has finished sending
 * @param udpTimeout how long a UDP flow lives without a datagram (IPVS's default is 300 s)
 * @param maxRedispatch how many other real servers a connection tries after a failed connect
 * @param healthMonitor the health monitor, or {@code null}
 * @param outlierDetector where connect outcomes are reported
 * @param failover the failover protocol, or {@code null} to serve from start
 * @param ticker the time source for timers that tests drive
 * @param maxFlows the most UDP flows the whole director keeps at once; a new flow beyond it evicts the least recently
 *     active flow
 * @param udpUnrepliedTimeout how long a UDP flow whose real server has not replied yet lives without a datagram
 *     (conntrack's unreplied state)
 * @param maxConnections the most TCP connections the whole director proxies at once (each takes two descriptors);
 *     beyond it the listeners stop accepting until a connection ends
 * @param handoverSocket where the director, once serving, offers its listeners to a successor, or {@code null}
 * @param handoverGrace how long the director, once a successor serves, lets its connections finish
 * @param adoptFrom where the director, at start, takes the listeners of a predecessor, or {@code null}
 */
public record DirectorConfig(List<VirtualService> virtualServices, int ioThreads, Transport transport,
                             Duration connectTimeout, Duration idleTimeout, Duration halfClosedTimeout,
                             Duration udpTimeout, int maxRedispatch, @Nullable HealthMonitor healthMonitor,
                             OutlierDetector outlierDetector, @Nullable Failover failover, Ticker ticker,
                             int maxFlows, Duration udpUnrepliedTimeout, int maxConnections,
                             @Nullable Path handoverSocket, Duration handoverGrace, @Nullable Path adoptFrom) {

    /** Copies the list. */
    public DirectorConfig {
        virtualServices = List.copyOf(virtualServices);
    }
}
