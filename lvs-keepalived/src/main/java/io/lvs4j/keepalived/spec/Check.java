package io.lvs4j.keepalived.spec;

import io.lvs4j.health.HttpGet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One checker of a real server.
 *
 * @param kind which
 * @param connectTimeout connect_timeout (misc_timeout for MISC_CHECK)
 * @param connectTo connect_ip and connect_port, or {@code null} for the real server's own address
 * @param http the request of HTTP_GET and SSL_GET, else {@code null}
 * @param command MISC_CHECK's misc_path, split in words
 * @param dynamic MISC_CHECK's misc_dynamic
 * @param dnsType DNS_CHECK's type
 * @param dnsName DNS_CHECK's name
 * @param helo SMTP_CHECK's helo_name
 * @param payload UDP_CHECK's payload
 * @param requireReply UDP_CHECK's require_reply
 */
public record Check(CheckKind kind, Duration connectTimeout, @Nullable InetSocketAddress connectTo,
        @Nullable HttpGet http, List<String> command, boolean dynamic, String dnsType, String dnsName,
        String helo, byte[] payload, boolean requireReply) {
    /** Copies the list. */
    public Check {
        command = List.copyOf(command);
        payload = payload.clone();
    }

    /** The payload (a copy). */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Equal when every field is, the payload by its bytes (so a reload tells a changed checker apart). */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Check c && kind == c.kind && connectTimeout.equals(c.connectTimeout)
                && Objects.equals(connectTo, c.connectTo) && Objects.equals(http, c.http)
                && command.equals(c.command) && dynamic == c.dynamic && dnsType.equals(c.dnsType)
                && dnsName.equals(c.dnsName) && helo.equals(c.helo) && Arrays.equals(payload, c.payload)
                && requireReply == c.requireReply;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, connectTimeout, connectTo, http, command, dynamic, dnsType, dnsName,
                helo, Arrays.hashCode(payload), requireReply);
    }

    @Override
    public String toString() {
        return "Check[" + kind + " " + connectTimeout + (connectTo == null ? "" : " to " + connectTo)
                + (http == null ? "" : " " + http) + (command.isEmpty() ? "" : " " + command) + "]";
    }
}
