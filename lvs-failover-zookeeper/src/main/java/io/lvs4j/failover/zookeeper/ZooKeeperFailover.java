package io.lvs4j.failover.zookeeper;

import io.lvs4j.api.Registration;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active-standby failover on ZooKeeper: the directors of a group run a Curator leader election, and a director is
 * {@link Role#MASTER} only while it holds the leadership <em>on a connected session</em>.
 *
 * <ul>
 *   <li>The connection is <b>suspended</b> (no answer from the ensemble for about two thirds of the session timeout):
 *       the master steps down at once, before its session can expire on the ensemble and another director win.</li>
 *   <li><b>Reconnected</b> with the same session: Curator re-checks the election; the director is master again only
 *       if its election node is still the first.</li>
 *   <li>The session is <b>lost</b>: its election node is gone; the director re-enters the election with a new node
 *       once a new session is up.</li>
 * </ul>
 *
 * <p>Each term carries a <b>fencing epoch</b>: the sequence number of the election node that won it, plus one
 * ({@link RoleChange#epoch()}). A newer master always has a larger epoch than any earlier one, so a resource that
 * remembers the largest epoch it has seen can refuse a stale master. A master that stepped down on a suspended
 * connection and finds its node still first after reconnecting resumes its term with the same epoch (nobody else
 * can have led in between: the node existed throughout).
 *
 * <p>Every state change runs on one thread of this failover's own, in order; role listeners are called there. When
 * the connection is suspended or lost, Curator's connection-state thread waits (at most 10 s) until
 * the master has stepped down and its listeners have returned, so that its client gives up its election node (once
 * reconnected on a new session) only after that.
 *
 * <p>{@link #close()} stops as {@link #stop()} does and waits at most {@link #CLOSE_TIMEOUT}; an interrupt while it
 * waits ends the wait at once and stays set on the thread. It never throws. Thread-safe.
 */
public final class ZooKeeperFailover implements Failover {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperFailover.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    /**
     * How long Curator's connection-state thread waits for a step-down (and its role listeners) after the connection
     * is suspended or lost, before it lets Curator go on.
     */
    private static final Duration STEP_DOWN_WAIT = Duration.ofSeconds(10);

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final String group;
    private final String id;
    private final String latchPath;
    private final ExecutorService events;
    private final List<Consumer<? super RoleChange>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final ConnectionStateListener connectionListener = this::onConnectionState;
    private @Nullable LeaderLatch latch;
    private volatile Role role = Role.INIT;
    private volatile long epoch;
    private boolean connected;

    private ZooKeeperFailover(CuratorFramework client, boolean ownsClient, String group, String id) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.group = name("group", group);
        this.id = name("id", id);
        this.latchPath = "/groups/" + group + "/leader";
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-zk-failover-" + group);
            t.setDaemon(true);
            return t;
        });
    }

    static String name(String field, String value) {
        Objects.requireNonNull(value, field);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be letters, digits, '.', '_' or '-' but was '" + value
                    + "'");
        }
        return value;
    }

    /**
     * A director of failover group {@code group}, identified by {@code id} (unique in the group, e.g. host name and
     * process id), on its own Curator client for {@code config}; the client is started by {@link #start()} and closed
     * by {@link #stop()}.
     */
    public static ZooKeeperFailover create(ZooKeeperConfig config, String group, String id) {
        return new ZooKeeperFailover(config.newClient(), true, group, id);
    }

    /**
     * A director of failover group {@code group} on a client the caller owns (started or not; {@link #start()} starts
     * it if need be, {@link #stop()} leaves it open).
     */
    public static ZooKeeperFailover create(CuratorFramework client, String group, String id) {
        return new ZooKeeperFailover(client, false, group, id);
    }

    /** This director's id in the group. */
    public String id() {
        return id;
    }

    /** The fencing epoch of the current or last term this director held; 0 before the first. */
    public long epoch() {
        return epoch;
    }

    @Override
    public Role role() {
        return role;
    }

    /** The priority VRRP would use; elections here go by arrival order, so every director reports the default. */
    @Override
    public int priority() {
        return PRIORITY_DEFAULT;
    }

    @Override
    public CompletionStage<Void> start() {
        events.execute(() -> {
            if (latch != null || role != Role.INIT) {
                started.completeExceptionally(new IllegalStateException("failover " + id + " already started"));
                return;
            }
            try {
                if (client.getState() == CuratorFrameworkState.LATENT) {
                    client.start();
                }
                client.getConnectionStateListenable().addListener(connectionListener); // on Curator's thread
                connected = client.getZookeeperClient().isConnected();
                LeaderLatch l = new LeaderLatch(client, latchPath, id, LeaderLatch.CloseMode.NOTIFY_LEADER);
                l.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        leadership(true);
                    }

                    @Override
                    public void notLeader() {
                        leadership(false);
                    }
                }, events);
                latch = l;
                l.start();
                transition(Role.BACKUP, epoch, "started");
                started.complete(null);
            } catch (Exception e) {
                started.completeExceptionally(new IllegalStateException("cannot join failover group " + group
                        + " on " + client.getZookeeperClient().getCurrentConnectionString() + ": " + e, e));
            }
        });
        return started;
    }

    /** On the events thread: the latch says we lead or no longer lead. */
    private void leadership(boolean leads) {
        LeaderLatch l = latch;
        if (l == null || role == Role.INIT) {
            return;
        }
        if (leads && connected && l.hasLeadership()) {
            transition(Role.MASTER, sequence(l.getOurPath()), "elected leader of " + group);
        } else if (!leads && role == Role.MASTER) {
            transition(Role.BACKUP, epoch, "lost the leadership of " + group);
        }
    }

    /**
     * On Curator's connection-state thread, which calls every connection listener in turn, one state at a time: the
     * change is handled on the events thread. A lost connection waits (at most {@link #STEP_DOWN_WAIT}) until this
     * director has stepped down and its listeners have heard it, so that whatever Curator does on the next state
     * (the latch, reconnected on a new session, removes the expired election node and another director wins) comes
     * after the step-down, even when a role listener is slow.
     */
    private void onConnectionState(CuratorFramework c, ConnectionState state) {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        try {
            events.execute(() -> {
                try {
                    connectionChanged(c, state);
                } finally {
                    handled.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            return; // stopped
        }
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST
                || state == ConnectionState.READ_ONLY) {
            try {
                handled.get(STEP_DOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the client is closing
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("failover {} did not step down within {} after the connection was {}", id, STEP_DOWN_WAIT,
                        state.name().toLowerCase(Locale.ROOT), e);
            }
        }
    }

    /** On the events thread: the connection to the ensemble changed. */
    private void connectionChanged(CuratorFramework c, ConnectionState state) {
        LeaderLatch l = latch;
        switch (state) {
            case SUSPENDED, LOST, READ_ONLY -> {
                connected = false;
                if (role == Role.MASTER) {
                    transition(Role.BACKUP, epoch, state == ConnectionState.LOST ? "ZooKeeper session lost"
                            : "connection to ZooKeeper " + state.name().toLowerCase(Locale.ROOT));
                }
            }
            case CONNECTED, RECONNECTED -> {
                connected = true;
                if (l != null && role == Role.BACKUP && l.hasLeadership()) {
                    transition(Role.MASTER, sequence(l.getOurPath()), "reconnected, still the leader of " + group);
                }
            }
            default -> {
            }
        }
    }

    /**
     * The epoch of a term won with election node {@code path}: the sequence number ZooKeeper gave the node (the
     * digits after its last '-') plus one, so that 0 means "no term yet".
     */
    static long sequence(@Nullable String path) {
        if (path == null) {
            return 0;
        }
        int dash = path.lastIndexOf('-');
        try {
            return Long.parseLong(path.substring(dash + 1)) + 1;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void transition(Role to, long newEpoch, String reason) {
        Role from = role;
        if (from == to) {
            return;
        }
        epoch = newEpoch;
        role = to;
        LOG.info("failover group {} ({}): {} -> {} ({}, epoch {})", group, id, from, to, reason, newEpoch);
        RoleChange change = new RoleChange(from, to, newEpoch, reason);
        for (Consumer<? super RoleChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("role listener failed on {}", change, e);
            }
        }
    }

    /**
     * Resigns: this director stops being master first (listeners hear MASTER to INIT), then deletes its election node
     * so that the next director takes over at once; closes the client if this failover opened it.
     */
    @Override
    public CompletionStage<Void> stop() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            events.execute(() -> {
                try {
                    transition(Role.INIT, epoch, "stopped");
                    LeaderLatch l = latch;
                    latch = null;
                    if (l != null) {
                        l.close(LeaderLatch.CloseMode.SILENT);
                    }
                    client.getConnectionStateListenable().removeListener(connectionListener);
                    if (ownsClient) {
                        client.close();
                    }
                    stopped.complete(null);
                } catch (IOException | RuntimeException e) {
                    stopped.completeExceptionally(e);
                } finally {
                    events.shutdown();
                }
            });
        } catch (RejectedExecutionException e) {
            stopped.complete(null); // already stopped
        }
        return stopped;
    }

    @Override
    public Registration onRoleChange(Consumer<? super RoleChange> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "ZooKeeperFailover " + group + "/" + id + " " + role + " epoch " + epoch;
    }
}
