package io.lvs4j.api.health;

import io.lvs4j.api.RealServer;

/** The detector of {@link OutlierDetector#none()}. */
enum NoOutlierDetector implements OutlierDetector {
    INSTANCE;

    @Override
    public void onSuccess(RealServer realServer, long latencyNanos) {
    }

    @Override
    public void onFailure(RealServer realServer, Throwable cause) {
    }
}
