package io.lvs4j.examples.directors;

import io.lvs4j.api.Registration;
import io.lvs4j.failover.zookeeper.ZooKeeperConfig;
import io.lvs4j.failover.zookeeper.ZooKeeperMembership;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a router's route to the virtual address spread over exactly the live directors of an active-active group
 * ({@link ActiveActiveDirector}): it watches the group's {@link ZooKeeperMembership} without joining it and, on every
 * change, rewrites a Linux <em>resilient</em> nexthop group ({@code ip nexthop replace id G group 1/3 type resilient})
 * to the next hops of the live directors, so that only the flows of a director that left move, and a director that
 * joins takes only its share.
 *
 * <p><b>This is the part a BGP speaker plays in production.</b> There, each director announces the virtual address to
 * its routers (BIRD, FRR or ExaBGP beside it, with next hop self) while it is live and withdraws it when it stops, and
 * the routers' ECMP (with resilient hashing where they have it) does the rest; a director that dies silently is
 * withdrawn when its BGP hold timer expires (BFD makes that sub-second). This controller gives the same result on one
 * Linux router for tests and benchmarks ({@code bench/fleet-ecmp.sh}, {@code docs/scale-out.md}), with ZooKeeper's
 * session timeout in the role of the hold timer.
 *
 * <p>Each director id is mapped to a next-hop id that already exists on the router ({@code ip nexthop add id 1 via
 * ...}); ids without a mapping are logged once and left out. When the last known director leaves, the route is
 * withdrawn ({@code ip route del}), as a router withdraws a prefix nobody announces; a group is never written empty.
 *
 * <pre>
 * NexthopGroupController ZOOKEEPER NETNS GROUP_ID PREFIX ID=NEXTHOP... [--session-ms N] [--resilient "OPTIONS"]
 *   e.g. 10.10.200.2:2181 ff-router 100 10.10.100.1/32 d1=1 d2=2 d3=3 --resilient "buckets 64 idle_timer 2"
 * </pre>
 */
public final class NexthopGroupController implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NexthopGroupController.class.getName());

    /** Writes the router's state: the sorted next-hop ids of the live directors, or none to withdraw the route. */
    @FunctionalInterface
    public interface Applier {
        /** Makes the router spread the virtual address over {@code nexthops}, or withdraws it when empty. */
        void apply(List<Integer> nexthops) throws IOException;
    }

    private final ZooKeeperMembership members;
    private final Map<String, Integer> nexthops;
    private final Applier applier;
    private final Registration listening;
    private final Set<String> unknownLogged = new HashSet<>(); // guarded by this
    private @Nullable List<Integer> applied; // guarded by this; null: nothing applied yet, or the last apply failed

    private NexthopGroupController(ZooKeeperMembership members, Map<String, Integer> nexthops, Applier applier) {
        this.members = members;
        this.nexthops = nexthops;
        this.applier = applier;
        this.listening = members.onChange(live -> update());
    }

    /**
     * Watches group {@code group} on a started client the caller owns and keeps the router (through {@code applier})
     * on the next hops that {@code nexthops} gives for the live director ids.
     */
    public static NexthopGroupController start(CuratorFramework client, String group, Map<String, Integer> nexthops,
            Applier applier) {
        Objects.requireNonNull(applier, "applier");
        Map<String, Integer> copy = Map.copyOf(nexthops);
        copy.forEach((id, nh) -> {
            if (nh < 1) {
                throw new IllegalArgumentException("next-hop id of director " + id + " must be positive but was " + nh);
            }
        });
        NexthopGroupController c = new NexthopGroupController(ZooKeeperMembership.observe(client, group), copy,
                applier);
        c.update(); // the live set may have been read before the listener was added
        return c;
    }

    /**
     * Applies the latest live set unless it is what was applied last. Reads the set under the lock, so whichever
     * call comes last applies the newest view. Before the first non-empty set nothing is written: an empty set may
     * only mean that the membership is not read yet.
     */
    synchronized void update() {
        SortedSet<String> live = members.members();
        List<Integer> next = new ArrayList<>();
        for (String id : live) {
            Integer nh = nexthops.get(id);
            if (nh != null) {
                next.add(nh);
            } else if (unknownLogged.add(id)) {
                LOG.log(System.Logger.Level.WARNING, "director " + id + " has no next hop (give " + id
                        + "=ID); it gets no traffic");
            }
        }
        next.sort(null);
        if (next.equals(applied) || (applied == null && next.isEmpty())) {
            return;
        }
        try {
            applier.apply(List.copyOf(next));
            LOG.log(System.Logger.Level.INFO, "live directors " + live + ": next hops "
                    + (next.isEmpty() ? "none (route withdrawn)" : next));
            applied = List.copyOf(next);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot apply next hops " + next + " for directors " + live
                    + "; retrying at the next change", e);
            applied = null;
        }
    }

    /** The next hops written last; empty when none (yet) or the route is withdrawn. */
    public synchronized List<Integer> applied() {
        List<Integer> a = applied;
        return a == null ? List.of() : a;
    }

    @Override
    public void close() {
        listening.close();
        members.close();
    }

    /**
     * An applier running {@code ip -n NETNS}: {@code nexthop replace id GROUP group A/B/C type resilient OPTIONS} then
     * {@code route replace PREFIX nhid GROUP}; with no next hop, {@code route del PREFIX}. {@code resilient} holds the
     * group's options ({@code buckets 64 idle_timer 2 ...}), the same at every write.
     */
    public static Applier ip(String netns, int groupId, String prefix, String resilient) {
        return nexthops -> {
            if (nexthops.isEmpty()) {
                run(List.of("ip", "-n", netns, "route", "del", prefix), true);
                return;
            }
            List<String> group = new ArrayList<>(List.of("ip", "-n", netns, "nexthop", "replace", "id",
                    Integer.toString(groupId), "group", String.join("/", nexthops.stream().map(String::valueOf)
                            .toList()), "type", "resilient"));
            group.addAll(List.of(resilient.trim().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList());
            run(group, false);
            run(List.of("ip", "-n", netns, "route", "replace", prefix, "nhid", Integer.toString(groupId)), false);
        };
    }

    private static void run(List<String> command, boolean mayFail) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no exit within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0 && !mayFail) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 5) {
            System.err.println("usage: NexthopGroupController ZOOKEEPER NETNS GROUP_ID PREFIX ID=NEXTHOP..."
                    + " [--session-ms N] [--resilient \"OPTIONS\"]");
            System.exit(2);
        }
        Map<String, Integer> nexthops = new LinkedHashMap<>();
        long sessionMillis = ZooKeeperConfig.DEFAULT_SESSION_TIMEOUT.toMillis();
        String resilient = "";
        for (int i = 4; i < args.length; i++) {
            if (args[i].equals("--session-ms") && i + 1 < args.length) {
                sessionMillis = Long.parseLong(args[++i]);
            } else if (args[i].equals("--resilient") && i + 1 < args.length) {
                resilient = args[++i];
            } else {
                int eq = args[i].indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("argument " + (i + 1) + " must be ID=NEXTHOP but was "
                            + args[i]);
                }
                nexthops.put(args[i].substring(0, eq), Integer.parseInt(args[i].substring(eq + 1)));
            }
        }
        CuratorFramework zooKeeper = ZooKeeperConfig.builder(args[0])
                .sessionTimeout(Duration.ofMillis(sessionMillis)).build().newClient();
        zooKeeper.start();
        NexthopGroupController controller = start(zooKeeper, ActiveActiveDirector.SERVICE, nexthops,
                ip(args[1], Integer.parseInt(args[2]), args[3], resilient));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            controller.close();
            zooKeeper.close();
        }));
        Thread.currentThread().join();
    }
}
