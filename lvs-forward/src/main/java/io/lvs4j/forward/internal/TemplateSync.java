package io.lvs4j.forward.internal;

import io.lvs4j.api.PersistenceTemplate;
import io.lvs4j.api.Protocol;
import io.lvs4j.api.failover.StateSync;
import io.lvs4j.scheduler.PersistentScheduler;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's persistence templates as failover state: the master exports them (in a full snapshot, as many as fit,
 * successive snapshots going round all of them; otherwise the ones new or moved to another real server since they were
 * last sent), a backup imports them into its persistent services, so that returning clients keep their real server
 * after a takeover.
 *
 * <p>Format, version 1, big-endian: {@code version(1)=1, count(2)}, then per template {@code protocol(1: 6 TCP, 17
 * UDP), service address, service port(2), client network address, client port(2), real server address, real server
 * port(2), remaining ms(4)}; an address is {@code family(1: 4 or 6)} and 4 or 16 bytes. Anything else is dropped whole.
 */
final class TemplateSync implements StateSync {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateSync.class);
    private static final int VERSION = 1;
    /** The largest template: protocol, three addresses (IPv6) with families, three ports, remaining. */
    private static final int MAX_TEMPLATE = 1 + 3 * 17 + 3 * 2 + 4;

    private final Supplier<Collection<ServiceRuntime>> services;
    /** What the exports sent: template key to real server; touched only by the failover's sync thread. */
    private final Map<String, InetSocketAddress> sent = new HashMap<>();
    /** Where the next full snapshot starts, when the templates do not fit in one. */
    private int cursor;

    TemplateSync(Supplier<Collection<ServiceRuntime>> services) {
        this.services = services;
    }

    private List<PersistenceTemplate> templates() {
        List<PersistenceTemplate> all = new ArrayList<>();
        for (ServiceRuntime s : services.get()) {
            PersistentScheduler p = s.persistence();
            if (p != null) {
                all.addAll(p.exportTemplates());
            }
        }
        return all;
    }

    private static String key(PersistenceTemplate t) {
        return t.protocol() + " " + t.virtualService() + " " + t.clientNetwork().getHostAddress() + ":" + t.clientPort();
    }

    @Override
    public byte[] export(boolean full, int maxBytes) {
        List<PersistenceTemplate> all = templates();
        int room = Math.min(65_535, Math.max(0, (maxBytes - 3) / MAX_TEMPLATE));
        List<PersistenceTemplate> out = new ArrayList<>();
        if (full) {
            // a snapshot holds what fits; successive snapshots go round the templates from where the last one stopped
            int n = all.size();
            int start = n == 0 ? 0 : cursor % n;
            for (int i = 0; i < n && out.size() < room; i++) {
                PersistenceTemplate t = all.get((start + i) % n);
                out.add(t);
                sent.put(key(t), t.realServer());
            }
            cursor = n == 0 ? 0 : (start + out.size()) % n;
            sent.keySet().retainAll(all.stream().map(TemplateSync::key).collect(Collectors.toSet()));
            return encode(out);
        }
        for (PersistenceTemplate t : all) {
            if (out.size() >= room) {
                break; // the rest goes with later exports
            }
            String k = key(t);
            if (!t.realServer().equals(sent.get(k))) {
                out.add(t);
                sent.put(k, t.realServer());
            }
        }
        return out.isEmpty() ? new byte[0] : encode(out);
    }

    static byte[] encode(List<PersistenceTemplate> templates) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(3 + templates.size() * MAX_TEMPLATE);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeShort(templates.size());
            for (PersistenceTemplate t : templates) {
                out.writeByte(t.protocol() == Protocol.TCP ? 6 : 17);
                address(out, t.virtualService().getAddress());
                out.writeShort(t.virtualService().getPort());
                address(out, t.clientNetwork());
                out.writeShort(t.clientPort());
                address(out, t.realServer().getAddress());
                out.writeShort(t.realServer().getPort());
                out.writeInt((int) Math.min(Integer.MAX_VALUE, t.remainingMillis()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static void address(DataOutputStream out, InetAddress a) throws IOException {
        byte[] b = a.getAddress();
        out.writeByte(b.length == 4 ? 4 : 6);
        out.write(b);
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException naming the byte offset where the input stops making sense
     */
    static List<PersistenceTemplate> decode(byte[] state) {
        ByteBuffer in = ByteBuffer.wrap(state);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new IllegalArgumentException("byte 0: version " + version + ", expected " + VERSION);
            }
            int count = in.getShort() & 0xffff;
            List<PersistenceTemplate> out = new ArrayList<>(Math.min(count, 4096));
            for (int i = 0; i < count; i++) {
                int at = in.position();
                int proto = in.get() & 0xff;
                if (proto != 6 && proto != 17) {
                    throw new IllegalArgumentException("byte " + at + ": protocol " + proto + ", expected 6 or 17");
                }
                InetSocketAddress service = new InetSocketAddress(address(in), in.getShort() & 0xffff);
                InetAddress client = address(in);
                int clientPort = in.getShort() & 0xffff;
                InetSocketAddress real = new InetSocketAddress(address(in), in.getShort() & 0xffff);
                long remaining = in.getInt() & 0xffffffffL;
                out.add(new PersistenceTemplate(proto == 6 ? Protocol.TCP : Protocol.UDP, service, client, clientPort,
                        real, remaining));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("byte " + in.position() + ": " + in.remaining()
                        + " bytes after the last template");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("byte " + state.length + ": the state ends inside a template", e);
        }
    }

    private static InetAddress address(ByteBuffer in) {
        int at = in.position();
        int family = in.get() & 0xff;
        if (family != 4 && family != 6) {
            throw new IllegalArgumentException("byte " + at + ": address family " + family + ", expected 4 or 6");
        }
        byte[] b = new byte[family == 4 ? 4 : 16];
        in.get(b);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("byte " + at + ": " + e.getMessage(), e); // cannot happen: 4 or 16
        }
    }

    @Override
    public void apply(byte[] state) {
        List<PersistenceTemplate> templates;
        try {
            templates = decode(state);
        } catch (IllegalArgumentException e) {
            LOG.debug("dropped {} bytes of replicated state: {}", state.length, e.getMessage());
            return;
        }
        int imported = 0;
        for (ServiceRuntime s : services.get()) {
            PersistentScheduler p = s.persistence();
            if (p != null) {
                imported += p.importTemplates(templates);
            }
        }
        LOG.debug("imported {} of {} replicated persistence templates", imported, templates.size());
    }
}
