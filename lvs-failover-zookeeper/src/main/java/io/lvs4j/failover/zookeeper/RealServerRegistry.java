package io.lvs4j.failover.zookeeper;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.RealServer;
import io.lvs4j.api.Registration;
import io.lvs4j.api.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service discovery for real servers: a real server (or an agent beside it) registers an ephemeral node
 * {@code /services/SERVICE/realservers/IP:PORT} holding {@code weight=N}; directors watch the folder and get a new
 * {@link VirtualService} whenever the membership changes, to hand to {@code Director.putVirtualService}. A real server
 * whose process or session dies disappears after its session timeout; a weight change is applied to the live
 * {@link RealServer} at once (no new virtual service needed).
 *
 * <p>A node whose name or data cannot be read is skipped and logged with its path; it never stops the watch.
 */
public final class RealServerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RealServerRegistry.class);

    private final CuratorFramework client;

    private RealServerRegistry(CuratorFramework client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** A registry on a started client the caller owns. */
    public static RealServerRegistry create(CuratorFramework client) {
        return new RealServerRegistry(client);
    }

    /** One real server's registration: its weight can change; closing it deletes the node. */
    public interface Entry extends Registration {
        /** Publishes a new weight, 0..65535 (0: quiescent). */
        void setWeight(int weight);
    }

    static String folder(String service) {
        return "/services/" + ZooKeeperFailover.name("service", service) + "/realservers";
    }

    static String nodeName(InetSocketAddress address) {
        return Addresses.format(address);
    }

    private static byte[] data(int weight) {
        if (weight < 0 || weight > RealServer.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 0.." + RealServer.MAX_WEIGHT + " but was " + weight);
        }
        return ("weight=" + weight).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Registers the real server at {@code address} (an IP literal address) in {@code service} with {@code weight}. The
     * node is ephemeral and recreated after a lost session for as long as the entry is open.
     */
    public Entry register(String service, InetSocketAddress address, int weight) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address must be resolved but was " + address);
        }
        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false,
                folder(service) + "/" + nodeName(address), data(weight));
        node.start();
        return new Entry() {
            @Override
            public void setWeight(int w) {
                try {
                    node.setData(data(w));
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("cannot publish weight " + w + " of " + nodeName(address), e);
                }
            }

            @Override
            public void close() {
                try {
                    node.close();
                } catch (IOException e) {
                    LOG.warn("cannot delete the registration of {}", nodeName(address), e);
                }
            }
        };
    }

    /**
     * Watches {@code service}'s real servers. {@code onChange} receives {@code template} with its real servers
     * replaced by the registered ones (sorted by address and port, so every director lists them alike) first when
     * the watch has read the folder, then after every change of membership. {@link RealServer} objects are kept
     * across changes (their counters and state live on); a weight change calls {@link RealServer#setWeight} on the
     * live object instead. {@code onChange} runs on the watch's own thread, in order.
     */
    public Registration watch(String service, VirtualService template, Consumer<? super VirtualService> onChange) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(onChange, "onChange");
        String folder = folder(service);
        Watch w = new Watch(folder, template, onChange);
        CuratorCache cache = CuratorCache.build(client, folder);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> w.refresh(cache))
                .forInitialized(() -> w.initialized(cache))
                .build(), w.events);
        cache.start();
        return () -> {
            cache.close();
            w.events.shutdown();
        };
    }

    /** The state of one watch; touched only on its events thread. */
    private static final class Watch {
        final ExecutorService events;
        final String folder;
        final VirtualService template;
        final Consumer<? super VirtualService> onChange;
        final Map<InetSocketAddress, RealServer> current = new HashMap<>();
        boolean initialized;

        Watch(String folder, VirtualService template, Consumer<? super VirtualService> onChange) {
            this.folder = folder;
            this.template = template;
            this.onChange = onChange;
            this.events = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lvs4j-zk-registry");
                t.setDaemon(true);
                return t;
            });
        }

        void initialized(CuratorCache cache) {
            initialized = true;
            publish(cache, true);
        }

        void refresh(CuratorCache cache) {
            if (initialized) {
                publish(cache, false);
            }
        }

        private void publish(CuratorCache cache, boolean always) {
            Map<InetSocketAddress, Integer> registered = new TreeMap<>(ADDRESS_ORDER);
            cache.stream().forEach(d -> read(d, registered));
            boolean membership = !registered.keySet().equals(current.keySet());
            current.keySet().retainAll(registered.keySet());
            registered.forEach((address, weight) -> {
                RealServer rs = current.get(address);
                if (rs == null) {
                    current.put(address, RealServer.builder(address).weight(weight).build());
                } else if (rs.weight() != weight) {
                    rs.setWeight(weight);
                }
            });
            if (!membership && !always) {
                return;
            }
            VirtualService.Builder b = template.toBuilder();
            template.realServers().forEach(rs -> b.removeRealServer(rs.address()));
            List<InetSocketAddress> sorted = new ArrayList<>(registered.keySet());
            sorted.forEach(a -> b.realServer(current.get(a)));
            VirtualService next = b.build();
            LOG.info("real servers of {}: {}", folder, sorted);
            try {
                onChange.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("registry listener failed on {}", next, e);
            }
        }

        /** Reads one child node into {@code out}; logs and skips anything malformed. */
        private void read(ChildData d, Map<InetSocketAddress, Integer> out) {
            String p = d.getPath();
            if (!p.startsWith(folder + "/") || p.indexOf('/', folder.length() + 1) >= 0) {
                return; // the folder itself
            }
            String name = p.substring(folder.length() + 1);
            InetSocketAddress address = parseAddress(name);
            Integer weight = parseWeight(d.getData());
            if (address == null || weight == null) {
                LOG.warn("skipping {}: expected a node named IP:PORT holding weight=0..65535, got data '{}'", p,
                        d.getData() == null ? "" : new String(d.getData(), StandardCharsets.US_ASCII));
                return;
            }
            out.put(address, weight);
        }
    }

    static final Comparator<InetSocketAddress> ADDRESS_ORDER = (a, b) -> {
        byte[] x = a.getAddress().getAddress();
        byte[] y = b.getAddress().getAddress();
        int c = x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
        return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
    };

    /** {@code 10.0.0.1:80} or {@code [2001:db8::1]:80}, IP literals only; {@code null} when not one. */
    static @Nullable InetSocketAddress parseAddress(String name) {
        int colon = name.lastIndexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            return null;
        }
        String host = name.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        if (host.isEmpty() || !host.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            return null; // a literal only: never a DNS lookup for a name someone wrote into ZooKeeper
        }
        try {
            int port = Integer.parseInt(name.substring(colon + 1));
            if (port < 1 || port > 65535) {
                return null;
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** {@code weight=N} with N in 0..65535; {@code null} otherwise. Empty data means weight 1. */
    static @Nullable Integer parseWeight(byte @Nullable [] data) {
        if (data == null || data.length == 0) {
            return 1;
        }
        String s = new String(data, StandardCharsets.US_ASCII).trim();
        if (!s.startsWith("weight=")) {
            return null;
        }
        try {
            int w = Integer.parseInt(s.substring("weight=".length()));
            return w >= 0 && w <= RealServer.MAX_WEIGHT ? w : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
