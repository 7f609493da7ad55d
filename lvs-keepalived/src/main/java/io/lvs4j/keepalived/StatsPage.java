package io.lvs4j.keepalived;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The admin endpoint's stats page, in the spirit of HAProxy's: one self-contained HTML document (inline CSS and
 * script, nothing loaded from elsewhere) that asks for the admin token, keeps it in the tab's sessionStorage, reads
 * {@code /status.json} every second and calls {@code /drain}, {@code /disable}, {@code /enable} and {@code /weight}
 * with it. The page holds no data, so it is served without the token; it is served with a Content-Security-Policy
 * that lets only its own style and script (by hash) run and lets it talk only to the endpoint it came from.
 */
final class StatsPage {

    /** The page. */
    static final String HTML = load();

    /** The policy the page is served with: its one style and one script, by SHA-256; fetches to its own origin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src " + hash(HTML, "script")
            + "; style-src " + hash(HTML, "style") + "; connect-src 'self'; img-src data:; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private StatsPage() {
    }

    private static String load() {
        try (InputStream in = StatsPage.class.getResourceAsStream("stats.html")) {
            if (in == null) {
                throw new IllegalStateException("stats.html is missing from the lvs-keepalived jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read stats.html from the lvs-keepalived jar", e);
        }
    }

    /** {@code 'sha256-...'} of the text between {@code <tag>} and {@code </tag>}, which must occur exactly once. */
    static String hash(String html, String tag) {
        String open = "<" + tag + ">";
        String close = "</" + tag + ">";
        int start = html.indexOf(open);
        int end = html.indexOf(close);
        if (start < 0 || end < start || html.indexOf(open, start + 1) >= 0) {
            throw new IllegalStateException("stats.html must hold exactly one " + open + " element");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(html.substring(start + open.length(), end)
                    .getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e); // every JVM must have it
        }
    }
}
