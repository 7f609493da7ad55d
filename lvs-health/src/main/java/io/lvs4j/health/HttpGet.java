package io.lvs4j.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * keepalived's {@code HTTP_GET} and {@code SSL_GET}: the real server passes when a GET of {@link #path()} answers
 * within the connect timeout with a status in {@link #statusCodes()} and, when set, a body whose MD5 is
 * {@link #digest()} and which matches {@link #regex()}. Immutable; build with {@link #builder(String)}.
 */
public final class HttpGet {

    /** The status codes that pass when none are given: 200-299. */
    public static final String DEFAULT_STATUS_CODES = "200-299";
    /** The most body bytes read for the digest and regex: {@value}. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final String path;
    private final List<int[]> statusRanges;
    private final String statusCodes;
    private final @Nullable String digest;
    private final @Nullable Pattern regex;
    private final @Nullable String virtualHost;
    private final boolean http10;
    private final boolean tls;
    private final boolean verifyCertificate;
    private final @Nullable String sni;
    private final Duration connectTimeout;

    private HttpGet(Builder b) {
        this.path = b.path;
        this.statusCodes = b.statusCodes;
        this.statusRanges = parseStatus(b.statusCodes);
        this.digest = b.digest;
        this.regex = b.regex;
        this.virtualHost = b.virtualHost;
        this.http10 = b.http10;
        this.tls = b.tls;
        this.verifyCertificate = b.verifyCertificate;
        this.sni = b.sni;
        this.connectTimeout = b.connectTimeout;
    }

    /** Equal when every setting is (a regex by its pattern). */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof HttpGet h && path.equals(h.path) && statusCodes.equals(h.statusCodes)
                && Objects.equals(digest, h.digest) && Objects.equals(pattern(regex),
                pattern(h.regex)) && Objects.equals(virtualHost, h.virtualHost) && http10 == h.http10
                && tls == h.tls && verifyCertificate == h.verifyCertificate && Objects.equals(sni, h.sni)
                && connectTimeout.equals(h.connectTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, statusCodes, digest, pattern(regex), virtualHost, http10, tls,
                verifyCertificate, sni, connectTimeout);
    }

    private static @Nullable String pattern(@Nullable Pattern p) {
        return p == null ? null : p.pattern();
    }

    /** Starts a builder for a GET of {@code path}, which must start with {@code /}. */
    public static Builder builder(String path) {
        return new Builder(path);
    }

    /** The request path. */
    public String path() {
        return path;
    }

    /** The passing status codes as written, e.g. {@code 200-299,301}. */
    public String statusCodes() {
        return statusCodes;
    }

    /** Whether {@code status} passes. */
    public boolean statusPasses(int status) {
        for (int[] r : statusRanges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** The expected MD5 of the body as lower-case hex, or {@code null}. */
    public @Nullable String digest() {
        return digest;
    }

    /** A pattern the body must contain a match of, or {@code null}. */
    public @Nullable Pattern regex() {
        return regex;
    }

    /** The Host header (keepalived {@code virtualhost}); {@code null} sends the real server's address. */
    public @Nullable String virtualHost() {
        return virtualHost;
    }

    /** Whether to speak HTTP/1.0 instead of HTTP/1.1. */
    public boolean http10() {
        return http10;
    }

    /** Whether to use TLS ({@code SSL_GET}). */
    public boolean tls() {
        return tls;
    }

    /** With TLS, whether the certificate must be valid for the server (default false, as keepalived). */
    public boolean verifyCertificate() {
        return verifyCertificate;
    }

    /** With TLS, the server name to send (SNI), or {@code null} for the virtual host if any. */
    public @Nullable String sni() {
        return sni;
    }

    /** How long the whole check may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    private static List<int[]> parseStatus(String spec) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < 100 || hi > 599 || lo > hi) {
                    throw new NumberFormatException();
                }
                ranges.add(new int[] {lo, hi});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("statusCodes must be codes or ranges of 100..599 like "
                        + "'200-299,301' but had '" + p + "'", e);
            }
        }
        return ranges;
    }

    /** Builds an {@link HttpGet}; setters fail fast naming the field and the value. */
    public static final class Builder {
        private final String path;
        private String statusCodes = DEFAULT_STATUS_CODES;
        private @Nullable String digest;
        private @Nullable Pattern regex;
        private @Nullable String virtualHost;
        private boolean http10;
        private boolean tls;
        private boolean verifyCertificate;
        private @Nullable String sni;
        private Duration connectTimeout = Duration.ofSeconds(5);

        Builder(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/' but was '" + path + "'");
            }
            this.path = path;
        }

        /** Passing status codes, e.g. {@code 200-299,301}; default {@value HttpGet#DEFAULT_STATUS_CODES}. */
        public Builder statusCodes(String codes) {
            parseStatus(Objects.requireNonNull(codes, "statusCodes"));
            this.statusCodes = codes;
            return this;
        }

        /** The expected MD5 of the body, 32 hex digits (keepalived {@code digest}). */
        public Builder digest(String md5Hex) {
            Objects.requireNonNull(md5Hex, "digest");
            if (!md5Hex.matches("[0-9a-fA-F]{32}")) {
                throw new IllegalArgumentException("digest must be 32 hex digits (an MD5) but was '" + md5Hex + "'");
            }
            this.digest = md5Hex.toLowerCase(Locale.ROOT);
            return this;
        }

        /** A regular expression the body must contain a match of (keepalived {@code regex}). */
        public Builder regex(String regex) {
            this.regex = Pattern.compile(Objects.requireNonNull(regex, "regex"));
            return this;
        }

        /** The Host header to send. */
        public Builder virtualHost(String host) {
            this.virtualHost = Objects.requireNonNull(host, "virtualHost");
            return this;
        }

        /** Speak HTTP/1.0 (default HTTP/1.1). */
        public Builder http10(boolean http10) {
            this.http10 = http10;
            return this;
        }

        /** Use TLS ({@code SSL_GET}); {@code verify} checks the certificate chain and host name. */
        public Builder tls(boolean verify) {
            this.tls = true;
            this.verifyCertificate = verify;
            return this;
        }

        /** The TLS server name to send. */
        public Builder sni(String serverName) {
            this.sni = Objects.requireNonNull(serverName, "sni");
            return this;
        }

        /** How long the whole check may take, at least 1 ms; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Durations.atLeastOneMilli("connectTimeout", timeout);
            return this;
        }

        /** Builds the check specification. */
        public HttpGet build() {
            return new HttpGet(this);
        }
    }
}
