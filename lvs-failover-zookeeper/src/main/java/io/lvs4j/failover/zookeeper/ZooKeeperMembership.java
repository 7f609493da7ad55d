package io.lvs4j.failover.zookeeper;

import io.lvs4j.api.Registration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active-active membership: every director of a group keeps an ephemeral node under
 * {@code /groups/GROUP/directors/ID} (recreated after a lost session) and watches the others', so each knows the live
 * set. This is the scale-out model of Google's Maglev behind ECMP: routers spread packets over all live directors, and
 * because every director builds the same {@code mh} table from the same real servers (sorted by address, as the
 * scheduler does), a flow reaches the same real server whichever director receives it. See
 * {@code docs/zookeeper.md}.
 *
 * <p>{@link #observe} watches the live set without joining it: what a controller that steers the routers needs (see
 * {@code docs/scale-out.md}).
 *
 * <p>Thread-safe. Listeners run on this membership's own thread, in order.
 */
public final class ZooKeeperMembership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMembership.class);

    private final String id;
    private final String path;
    private final @Nullable PersistentNode node;
    private final CuratorCache cache;
    private final ExecutorService events;
    private final List<Consumer<? super SortedSet<String>>> listeners = new CopyOnWriteArrayList<>();
    private volatile SortedSet<String> members = Collections.emptySortedSet();
    private boolean initialized; // touched only on the events thread

    private ZooKeeperMembership(CuratorFramework client, String group, @Nullable String id) {
        String g = ZooKeeperFailover.name("group", group);
        this.id = id == null ? "" : ZooKeeperFailover.name("id", id);
        this.path = "/groups/" + g + "/directors";
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-zk-members-" + g);
            t.setDaemon(true);
            return t;
        });
        this.node = id == null ? null : new PersistentNode(client, CreateMode.EPHEMERAL, false, path + "/" + id,
                id.getBytes(StandardCharsets.UTF_8));
        this.cache = CuratorCache.build(client, path);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> {
                    if (initialized) {
                        refresh();
                    }
                })
                .forInitialized(() -> {
                    initialized = true;
                    refresh();
                })
                .build(), events);
    }

    /**
     * Joins group {@code group} as director {@code id} on a started client the caller owns, and starts watching the
     * other members.
     */
    public static ZooKeeperMembership join(CuratorFramework client, String group, String id) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(id, "id");
        ZooKeeperMembership m = new ZooKeeperMembership(client, group, id);
        Objects.requireNonNull(m.node).start();
        m.cache.start();
        return m;
    }

    /**
     * Watches group {@code group}'s live directors on a started client the caller owns, without joining: for a
     * process that acts on the live set (steering routers, monitoring) but serves nothing itself. Its
     * {@link #id()} is empty.
     */
    public static ZooKeeperMembership observe(CuratorFramework client, String group) {
        Objects.requireNonNull(client, "client");
        ZooKeeperMembership m = new ZooKeeperMembership(client, group, null);
        m.cache.start();
        return m;
    }

    private void refresh() {
        SortedSet<String> now = new TreeSet<>();
        cache.stream().forEach(d -> {
            String p = d.getPath();
            if (p.startsWith(path + "/") && p.indexOf('/', path.length() + 1) < 0) {
                now.add(p.substring(path.length() + 1));
            }
        });
        if (now.equals(members)) {
            return;
        }
        SortedSet<String> view = Collections.unmodifiableSortedSet(now);
        members = view;
        LOG.info("directors of {}: {}", path, view);
        for (Consumer<? super SortedSet<String>> l : listeners) {
            try {
                l.accept(view);
            } catch (RuntimeException e) {
                LOG.warn("membership listener failed", e);
            }
        }
    }

    /** This director's id; empty for an observer ({@link #observe}). */
    public String id() {
        return id;
    }

    /** The live directors' ids, sorted; this director among them once its node exists (empty until read). */
    public SortedSet<String> members() {
        return members;
    }

    /**
     * Calls {@code listener} with the new live set each time it changes, never with a part of the set read while
     * the watch starts: the first call comes once the whole group has been read.
     */
    public Registration onChange(Consumer<? super SortedSet<String>> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Leaves the group: deletes this director's node (unless an observer) and stops watching. */
    @Override
    public void close() {
        cache.close();
        try {
            if (node != null) {
                node.close();
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}/{}", path, id, e);
        }
        events.shutdown();
    }
}
