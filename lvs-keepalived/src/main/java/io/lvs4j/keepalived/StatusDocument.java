package io.lvs4j.keepalived;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lvs4j.api.Addresses;
import io.lvs4j.api.ServiceKey;
import io.lvs4j.api.stats.StatsSnapshot;
import io.lvs4j.failover.VrrpFailover;
import io.lvs4j.forward.ServiceStatistics;
import io.lvs4j.keepalived.spec.DirectorSpec;
import io.lvs4j.keepalived.spec.Instance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A running director's whole state as one JSON document, the one {@code GET /status.json}, {@code lvs4j status --json}
 * and the SIGUSR1 dump give. Its schema is documented in docs/keepalived.md ("Status as JSON") and versioned by the
 * top-level {@code "schema"} field, now {@value #SCHEMA}: fields may be added within a version, never renamed, retyped
 * or removed.
 */
public final class StatusDocument {

    /** The schema version this class writes: {@value}. */
    public static final int SCHEMA = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusDocument() {
    }

    /** The document of {@code director} now, pretty-printed, ending with a newline. */
    public static String of(KeepalivedDirector director) {
        return write(tree(director));
    }

    /**
     * Where {@code lvs4j director} writes the document on SIGUSR1 (keepalived's data dump):
     * {@code $LVS4J_HOME/director-PID.json}, {@code LVS4J_HOME} defaulting to {@code ~/.lvs4j}.
     */
    public static Path defaultDumpFile() {
        return AdminToken.home().resolve("director-" + ProcessHandle.current().pid() + ".json");
    }

    /**
     * Writes the document of {@code director} now to {@code file}, replacing it at once (a reader never sees half a
     * document), readable by this user only.
     *
     * @throws IOException naming what could not be written
     */
    public static void dump(KeepalivedDirector director, Path file) throws IOException {
        AdminToken.writePrivately(file, of(director).getBytes(StandardCharsets.UTF_8));
    }

    /** Serialises a tree. */
    static String write(ObjectNode tree) {
        try {
            return JSON.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status document", e); // a tree of plain values: never
        }
    }

    /** The document of {@code director} now, as a tree the admin endpoint adds its own section to. */
    static ObjectNode tree(KeepalivedDirector director) {
        StatusHistory history = director.history();
        DirectorSpec config = director.config();
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("routerId", config.routerId());
        root.put("time", history.now().toString());
        ArrayNode services = root.putArray("services");
        long evicted = 0;
        long dropped = 0;
        long acceptFailures = 0;
        for (ServiceStatistics s : director.statistics()) {
            ServiceKey key = new ServiceKey(s.protocol(), s.address());
            ObjectNode service = services.addObject();
            service.put("protocol", s.protocol().name());
            service.put("address", Addresses.format(s.address()));
            service.put("scheduler", s.scheduler());
            service.put("serving", director.serving(key));
            service.put("vrrpInstance", director.vrrpInstance(key));
            service.put("connections", s.connections());
            service.put("persistenceTemplates", s.persistenceTemplates());
            totals(service, s.totals());
            ObjectNode counters = service.putObject("counters");
            counters.put("evictedFlows", s.evictedFlows());
            counters.put("droppedDatagrams", s.droppedDatagrams());
            counters.put("acceptFailures", s.acceptFailures());
            counters.put("noServer", s.noServer());
            counters.put("sorryServer", s.sorryServer());
            evicted += s.evictedFlows();
            dropped += s.droppedDatagrams();
            acceptFailures += s.acceptFailures();
            ArrayNode reals = service.putArray("realServers");
            for (ServiceStatistics.RealServerStatistics r : s.realServers()) {
                reals.add(real(director, history, key, r));
            }
        }
        ArrayNode instances = root.putArray("vrrpInstances");
        Map<String, VrrpFailover> failovers = director.failovers();
        for (Instance i : config.instances()) {
            VrrpFailover f = failovers.get(i.name());
            if (f != null) {
                instances.add(instance(history, i, f));
            }
        }
        ObjectNode limits = root.putObject("limits");
        limits.put("evictedFlows", evicted);
        limits.put("droppedDatagrams", dropped);
        limits.put("acceptFailures", acceptFailures);
        return root;
    }

    private static ObjectNode real(KeepalivedDirector director, StatusHistory history,
            ServiceKey service, ServiceStatistics.RealServerStatistics r) {
        InetSocketAddress address = r.address();
        KeepalivedDirector.RealKey key = new KeepalivedDirector.RealKey(service, address);
        ObjectNode real = JSON.createObjectNode();
        real.put("address", Addresses.format(address));
        real.put("state", r.state().name());
        real.put("hold", director.adminState(service, address).name());
        real.put("weight", r.weight());
        real.put("activeConnections", r.activeConnections());
        real.put("inactiveConnections", r.inactiveConnections());
        totals(real, r.totals());
        StatusHistory.Check check = history.lastCheck(key);
        if (check == null) {
            real.putNull("lastCheck");
        } else {
            ObjectNode c = real.putObject("lastCheck");
            c.put("healthy", check.healthy());
            c.put("detail", check.detail());
            c.put("at", check.at().toString());
        }
        change(real, history.lastChange(key));
        return real;
    }

    private static ObjectNode instance(StatusHistory history, Instance i, VrrpFailover f) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", i.name());
        node.put("virtualRouterId", i.routerId());
        node.put("role", f.role().name());
        node.put("priority", f.priority());
        node.put("configuredPriority", i.priority());
        node.put("insecure", f.insecure());
        ArrayNode faults = node.putArray("faults");
        new TreeSet<>(f.faults()).forEach(faults::add);
        ObjectNode refused = node.putObject("refusedAdverts");
        f.rejections().forEach((reason, n) -> refused.put(reason.name(), n));
        ObjectNode limits = node.putObject("limits");
        limit(limits, "maxFlows", i.maxFlows());
        limit(limits, "maxConnections", i.maxConnections());
        change(node, history.lastRoleChange(i.name()));
        return node;
    }

    /** A limit the file set, or {@code null}: the default, sized from the descriptor limit. */
    private static void limit(ObjectNode node, String name, int value) {
        if (value > 0) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static void change(ObjectNode node, StatusHistory.@Nullable Change change) {
        if (change == null) {
            node.putNull("lastChange");
        } else {
            ObjectNode c = node.putObject("lastChange");
            c.put("to", change.to());
            c.put("reason", change.reason());
            c.put("at", change.at().toString());
        }
    }

    private static void totals(ObjectNode node, StatsSnapshot s) {
        ObjectNode totals = node.putObject("totals");
        totals.put("connections", s.connections());
        totals.put("inPackets", s.inPackets());
        totals.put("outPackets", s.outPackets());
        totals.put("inBytes", s.inBytes());
        totals.put("outBytes", s.outBytes());
        ObjectNode rates = node.putObject("rates");
        rates.put("cps", s.cps());
        rates.put("inPps", s.inPps());
        rates.put("outPps", s.outPps());
        rates.put("inBps", s.inBps());
        rates.put("outBps", s.outBps());
    }
}
