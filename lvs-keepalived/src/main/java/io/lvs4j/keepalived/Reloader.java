package io.lvs4j.keepalived;

import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a director's reloads for SIGHUP and the admin endpoint: one at a time, and whatever a reload throws, an
 * exception or an {@link Error} (a {@link StackOverflowError}, an {@link OutOfMemoryError}), becomes a refusal with
 * its reason, so the thread that asked lives on and the next reload runs. After a refusal the running configuration is
 * as it was ({@link KeepalivedDirector#reload(io.lvs4j.keepalived.spec.DirectorSpec)} changes nothing before everything is built).
 */
public final class Reloader {

    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    private final Callable<String> reload;

    /** Runs {@code reload}, which returns what changed or throws with the reason it was refused. */
    public Reloader(Callable<String> reload) {
        this.reload = reload;
    }

    /**
     * Runs one reload.
     *
     * @return what changed, one line
     * @throws IllegalStateException with the reason the reload was refused or failed; never anything else
     */
    public synchronized String reload() {
        try {
            return reload.call();
        } catch (IllegalStateException e) {
            throw e; // a refusal, its reason said
        } catch (Exception e) {
            throw new IllegalStateException(String.valueOf(e.getMessage()), e);
        } catch (Error e) {
            LOG.error("a reload failed with {}; the running configuration is unchanged", e.toString(), e);
            throw new IllegalStateException("the reload failed (" + e + "); the running configuration is "
                    + "unchanged", e);
        }
    }
}
