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
 * <p>Thread-safe. Listeners run on this membership's own thread, in order.
 */
public final class ZooKeeperMembership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMembership.class);

    private final String id;
    private final String path;
    private final PersistentNode node;
    private final CuratorCache cache;
    private final ExecutorService events;
    private final List<Consumer<? super SortedSet<String>>> listeners = new CopyOnWriteArrayList<>();
    private volatile SortedSet<String> members = Collections.emptySortedSet();

    private ZooKeeperMembership(CuratorFramework client, String group, String id) {
        String g = ZooKeeperFailover.name("group", group);
        this.id = ZooKeeperFailover.name("id", id);
        this.path = "/groups/" + g + "/directors";
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-zk-members-" + g);
            t.setDaemon(true);
            return t;
        });
        this.node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path + "/" + id,
                id.getBytes(StandardCharsets.UTF_8));
        this.cache = CuratorCache.build(client, path);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> refresh())
                .forInitialized(this::refresh)
                .build(), events);
    }

    /**
     * Joins group {@code group} as director {@code id} on a started client the caller owns, and starts watching the
     * other members.
     */
    public static ZooKeeperMembership join(CuratorFramework client, String group, String id) {
        Objects.requireNonNull(client, "client");
        ZooKeeperMembership m = new ZooKeeperMembership(client, group, id);
        m.node.start();
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

    /** This director's id. */
    public String id() {
        return id;
    }

    /** The live directors' ids, sorted; this director among them once its node exists. */
    public SortedSet<String> members() {
        return members;
    }

    /** Calls {@code listener} with the new live set each time it changes. */
    public Registration onChange(Consumer<? super SortedSet<String>> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Leaves the group: deletes this director's node and stops watching. */
    @Override
    public void close() {
        cache.close();
        try {
            node.close();
        } catch (IOException e) {
            LOG.warn("cannot delete {}/{}", path, id, e);
        }
        events.shutdown();
    }
}
