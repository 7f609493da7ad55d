package io.lvs4j.keepalived.internal;

import io.lvs4j.failover.ProcessGroup;
import io.lvs4j.failover.TrackedScript;
import io.lvs4j.failover.VrrpFailover;
import io.lvs4j.keepalived.spec.Instance;
import io.lvs4j.keepalived.spec.Track;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's {@code track_script} for one VRRP instance: runs each vrrp_script every interval (exit 0 passes; a
 * script running past its timeout is killed with its process group and fails), counts rise and fall, and hands the
 * scripts' states to {@link VrrpFailover#trackScripts}, which applies keepalived's weights: a script of weight 0 puts
 * the instance in FAULT while it is down; a positive weight is added to the priority while the script is up, a
 * negative one while it is down (an address owner, priority 255, is never changed).
 */
public final class ScriptTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScriptTracker.class);

    private final Instance instance;
    private final VrrpFailover failover;
    private final List<Tracked> tracked = new ArrayList<>();
    private final ScheduledExecutorService timer;

    /** One script's counters; changed on the timer's threads under the tracker's lock. */
    private static final class Tracked {
        final Track track;
        boolean up;
        Outcome last = Outcome.PASSED;
        int passes;
        int failures;

        Tracked(Track track) {
            this.track = track;
        }
    }

    public ScriptTracker(Instance instance, VrrpFailover failover) {
        this.instance = instance;
        this.failover = failover;
        instance.tracks().forEach(t -> tracked.add(new Tracked(t)));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(Math.min(4, tracked.size()), r -> {
            Thread th = new Thread(r, "lvs4j-track-" + instance.name());
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /**
     * Runs every script once and applies the results (so a node whose check fails starts in FAULT), then every
     * interval. Blocks for up to the longest script timeout.
     */
    public void start() {
        for (Tracked t : tracked) {
            boolean passed = run(t);
            synchronized (this) {
                t.up = passed;
                t.passes = passed ? 1 : 0;
                t.failures = passed ? 0 : 1;
            }
        }
        apply();
        for (Tracked t : tracked) {
            long every = t.track.interval().toNanos();
            timer.scheduleWithFixedDelay(() -> round(t), every, every, TimeUnit.NANOSECONDS);
        }
    }

    private void round(Tracked t) {
        boolean passed = run(t);
        boolean changed = false;
        synchronized (this) {
            if (passed) {
                t.failures = 0;
                t.passes++;
                if (!t.up && t.passes >= t.track.rise()) {
                    t.up = true;
                    changed = true;
                }
            } else {
                t.passes = 0;
                t.failures++;
                if (t.up && t.failures >= t.track.fall()) {
                    t.up = false;
                    changed = true;
                }
            }
        }
        if (changed) {
            LOG.info("vrrp_script {} of {} is {}", t.track.script(), instance.name(), t.up ? "up" : "down");
            apply();
        }
    }

    /** Sets the FAULT sources and the tracked priority from every script's state. */
    private synchronized void apply() {
        failover.trackScripts(tracked.stream().map(t -> new TrackedScript(t.track.script(), t.track.weight(), t.up))
                .toList());
    }

    /** How a run of a script ended. */
    enum Outcome { PASSED, FAILED, TIMED_OUT, CANNOT_RUN }

    /**
     * Runs the script in a process group of its own; at its timeout (or when the tracker closes) the whole group is
     * killed, so nothing it started outlives it.
     */
    static Outcome run(Track track) {
        ProcessGroup group;
        try {
            group = ProcessGroup.start(new ProcessBuilder(track.command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
        } catch (IOException e) {
            LOG.debug("vrrp_script {} cannot run", track.script(), e);
            return Outcome.CANNOT_RUN;
        }
        try {
            if (!group.waitOrKill(track.timeout())) {
                return Outcome.TIMED_OUT;
            }
            return group.process().exitValue() == 0 ? Outcome.PASSED : Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
    }

    /**
     * Runs the script once; a timeout or a script that cannot run is logged at WARN when it starts happening, not at
     * every round.
     */
    private boolean run(Tracked t) {
        Outcome outcome = run(t.track);
        Outcome previous;
        synchronized (this) {
            previous = t.last;
            t.last = outcome;
        }
        if (outcome != previous && outcome == Outcome.TIMED_OUT) {
            LOG.warn("vrrp_script {} ran past its timeout of {}; killed with everything it started (logged again "
                    + "only after a round that does not time out)", t.track.script(), t.track.timeout());
        } else if (outcome != previous && outcome == Outcome.CANNOT_RUN) {
            LOG.warn("vrrp_script {} cannot run: {} (logged again only after a round that runs)", t.track.script(),
                    t.track.command());
        }
        return outcome == Outcome.PASSED;
    }

    /** Whether the script named {@code name} counts as up; for tests and status. */
    public synchronized boolean up(String name) {
        return tracked.stream().anyMatch(t -> t.track.script().equals(name) && t.up);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
