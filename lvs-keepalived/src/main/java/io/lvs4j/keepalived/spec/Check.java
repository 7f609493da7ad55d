package io.lvs4j.keepalived.spec;

import io.lvs4j.health.HttpGet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    /** The values {@link #parse} accepts, for a usage line. */
    public static final String FORMS = "tcp, http:PATH, https:PATH, udp, dns or exec:COMMAND";

    /**
     * A checker written in one word, as {@code lvs4j forward --check} takes it: {@code tcp} (TCP_CHECK), {@code
     * http:PATH} (HTTP_GET answering 200-299), {@code https:PATH} (SSL_GET, the certificate not verified, as
     * keepalived), {@code udp} (UDP_CHECK with a one-byte payload), {@code dns} (DNS_CHECK: an SOA query for
     * {@code .}) or {@code exec:COMMAND} (MISC_CHECK: exit 0 up; the server's IP and port are appended).
     *
     * @param text the word
     * @param timeout the checker's connect timeout
     * @throws IllegalArgumentException naming the forms when {@code text} is none of them, or what is wrong with
     *     the HTTP path
     */
    public static Check parse(String text, Duration timeout) {
        String kind = text.toLowerCase(Locale.ROOT);
        if (kind.equals("tcp")) {
            return simple(CheckKind.TCP, timeout, null, List.of(), "", new byte[0]);
        }
        if (kind.startsWith("http:") || kind.startsWith("https:")) {
            boolean tls = kind.startsWith("https:");
            HttpGet.Builder get = HttpGet.builder(text.substring(text.indexOf(':') + 1)).connectTimeout(timeout)
                    .statusCodes(HttpGet.DEFAULT_STATUS_CODES);
            if (tls) {
                get.tls(false);
            }
            return simple(tls ? CheckKind.SSL : CheckKind.HTTP, timeout, get.build(), List.of(), "", new byte[0]);
        }
        if (kind.equals("udp")) {
            return simple(CheckKind.UDP, timeout, null, List.of(), "", new byte[] {0});
        }
        if (kind.equals("dns")) {
            return new Check(CheckKind.DNS, timeout, null, null, List.of(), false, "SOA", ".", "", new byte[0],
                    false);
        }
        if (kind.startsWith("exec:") && !text.substring(5).isBlank()) {
            return simple(CheckKind.MISC, timeout, null, List.of(text.substring(5).trim().split("\\s+")), "",
                    new byte[0]);
        }
        throw new IllegalArgumentException("must be " + FORMS + " but was '" + text + "'");
    }

    private static Check simple(CheckKind kind, Duration timeout, @Nullable HttpGet http, List<String> command,
            String helo, byte[] payload) {
        return new Check(kind, timeout, null, http, command, false, "", "", helo, payload, false);
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
