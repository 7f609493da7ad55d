package io.lvs4j.api.health;

import io.lvs4j.api.RealServer;

/**
 * Passive health checking: the forwarding engine reports the outcome of every connection attempt to a real server,
 * and the detector ejects servers that fail too often (Envoy's outlier detection). Called on event-loop threads:
 * implementations must be non-blocking and thread-safe.
 */
public interface OutlierDetector {

    /** A connection to {@code realServer} succeeded after {@code latencyNanos}. */
    void onSuccess(RealServer realServer, long latencyNanos);

    /** A connection to {@code realServer} failed (refused, reset, timed out). */
    void onFailure(RealServer realServer, Throwable cause);

    /** A detector that ignores every report. */
    static OutlierDetector none() {
        return NoOutlierDetector.INSTANCE;
    }
}
