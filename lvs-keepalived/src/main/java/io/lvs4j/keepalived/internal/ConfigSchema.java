package io.lvs4j.keepalived.internal;

import io.lvs4j.api.VirtualService;
import io.lvs4j.api.scheduler.Schedulers;
import io.lvs4j.keepalived.ConfigPosition;
import io.lvs4j.keepalived.ConfigProblem;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The keepalived.conf keywords lvs4j knows, where each may stand, its arguments, and whether lvs4j supports it, ignores
 * it (a warning that says why) or refuses it (an error that says why). {@link #check} turns a parsed file into
 * problems: an unknown keyword is an error naming the closest known one.
 */
public final class ConfigSchema {

    /** What lvs4j does with a keyword. */
    enum Support {
        /** Honoured. */
        SUPPORTED,
        /** Accepted with a warning: lvs4j has nothing that does it. */
        IGNORED,
        /** An error: lvs4j cannot do what it asks. */
        REFUSED
    }

    /** The block a keyword takes. */
    enum Block {
        /** None. */
        NONE,
        /** Statements checked against the keyword's children. */
        STATEMENTS,
        /** Free lines (addresses, names, e-mail addresses). */
        LINES
    }

    /** One keyword. */
    record Keyword(String name, int minArgs, int maxArgs, Block block, Support support, String why,
            Map<String, Keyword> children, ArgCheck check) {
    }

    /** Checks a statement's arguments; returns a message or {@code null}. */
    @FunctionalInterface
    public interface ArgCheck {
        @Nullable String check(List<String> args);
    }

    private static final ArgCheck ANY = a -> null;
    private static final Pattern INTEGER = Pattern.compile("\\d{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,6}(\\.\\d{1,3})?");
    private static final Map<String, Keyword> ROOT = new LinkedHashMap<>();

    private ConfigSchema() {
    }

    private static Keyword kw(String name, int min, int max, ArgCheck check) {
        return new Keyword(name, min, max, Block.NONE, Support.SUPPORTED, "", Map.of(), check);
    }

    private static Keyword flag(String name) {
        return kw(name, 0, 0, ANY);
    }

    private static Keyword ignored(String name, int min, int max, String why) {
        return new Keyword(name, min, max, Block.NONE, Support.IGNORED, why, Map.of(), ANY);
    }

    private static Keyword lines(String name, int min, int max, Support support, String why) {
        return new Keyword(name, min, max, Block.LINES, support, why, Map.of(), ANY);
    }

    private static Keyword block(String name, int min, int max, Keyword... children) {
        Map<String, Keyword> map = new LinkedHashMap<>();
        for (Keyword k : children) {
            map.put(k.name(), k);
        }
        return new Keyword(name, min, max, Block.STATEMENTS, Support.SUPPORTED, "", map, ANY);
    }

    private static Keyword withCheck(Keyword k, ArgCheck check) {
        return new Keyword(k.name(), k.minArgs(), k.maxArgs(), k.block(), k.support(), k.why(), k.children(), check);
    }

    public static ArgCheck range(long min, long max) {
        return a -> {
            if (!INTEGER.matcher(a.get(0)).matches() || Long.parseLong(a.get(0)) < min
                    || Long.parseLong(a.get(0)) > max) {
                return "must be a whole number " + min + ".." + max + " but was '" + a.get(0) + "'";
            }
            return null;
        };
    }

    static ArgCheck seconds() {
        return a -> DECIMAL.matcher(a.get(0)).matches() ? null
                : "must be seconds (e.g. 3 or 0.5) but was '" + a.get(0) + "'";
    }

    /** Seconds, at least 0.001: a loop or a wait of zero would spin or never wait. */
    static ArgCheck positiveSeconds() {
        return a -> {
            String bad = seconds().check(a);
            return bad != null || new BigDecimal(a.get(0)).signum() > 0 ? bad
                    : "must be more than 0 seconds (e.g. 3 or 0.5) but was '" + a.get(0) + "'";
        };
    }

    static ArgCheck oneOf(String... values) {
        Set<String> allowed = Set.of(values);
        return a -> allowed.contains(a.get(0).toUpperCase(Locale.ROOT)) ? null
                : "must be one of " + String.join(", ", values) + " but was '" + a.get(0) + "'";
    }

    static ArgCheck ipPort() {
        return a -> {
            String ip = ip(a.get(0));
            if (ip != null) {
                return ip;
            }
            return a.size() > 1 ? range(1, 65535).check(a.subList(1, 2)) : null;
        };
    }

    static ArgCheck ipOnly() {
        return a -> ip(a.get(0));
    }

    /** A message when {@code text} is not an IP literal (names are never resolved), else {@code null}. */
    public static @Nullable String ip(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return "must be an IP address but was '" + text + "'";
        }
        try {
            InetAddress.getByName(text);
            return null;
        } catch (UnknownHostException e) {
            return "must be an IP address but was '" + text + "'";
        }
    }

    private static final ArgCheck SCHEDULER = a -> Schedulers.names().contains(a.get(0).toLowerCase(Locale.ROOT))
            ? null : "names no scheduler: '" + a.get(0) + "' (known: " + String.join(" ", Schedulers.names()) + ")";

    static {
        Keyword[] checker = {
            withCheck(kw("connect_timeout", 1, 1, ANY), positiveSeconds()),
            withCheck(kw("connect_ip", 1, 1, ANY), ipOnly()),
            withCheck(kw("connect_port", 1, 1, ANY), range(1, 65535)), withCheck(kw("retry", 1, 1, ANY), range(0, 100)),
            withCheck(kw("nb_get_retry", 1, 1, ANY), range(0, 100)),
            withCheck(kw("delay_before_retry", 1, 1, ANY), seconds()), withCheck(kw("warmup", 1, 1, ANY), seconds()),
            withCheck(kw("delay_loop", 1, 1, ANY), positiveSeconds()),
            ignored("bindto", 1, 1, "checks leave from the director's default source address"),
            ignored("bind_port", 1, 1, "checks leave from an ephemeral port"),
            ignored("fwmark", 1, 1, "firewall marks are a kernel feature"),
        };
        Keyword url = block("url", 0, 0, kw("path", 1, 1, ANY), kw("digest", 1, 1, ANY),
                kw("status_code", 1, 8, ANY), kw("regex", 1, 1, ANY),
                ignored("regex_no_match", 0, 0, "a regex must match"),
                ignored("regex_options", 1, 8, "regexes use Java's default options"),
                ignored("virtualhost", 1, 1, "give virtualhost in the checker block"));
        Keyword tcp = block("TCP_CHECK", 0, 0, checker);
        Keyword http = block("HTTP_GET", 0, 0, concat(checker, url, kw("virtualhost", 1, 1, ANY)));
        Keyword ssl = block("SSL_GET", 0, 0, concat(checker, url, kw("virtualhost", 1, 1, ANY),
                ignored("enable_sni", 0, 0, "SNI is sent when virtualhost is set")));
        Keyword misc = block("MISC_CHECK", 0, 0, concat(checker, kw("misc_path", 1, 1, ANY),
                withCheck(kw("misc_timeout", 1, 1, ANY), positiveSeconds()), flag("misc_dynamic"),
                ignored("user", 1, 2, "scripts run as the director's user")));
        Keyword dns = block("DNS_CHECK", 0, 0, concat(checker, withCheck(kw("type", 1, 1, ANY),
                oneOf("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA")), kw("name", 1, 1, ANY)));
        Keyword smtp = block("SMTP_CHECK", 0, 0, concat(checker, kw("helo_name", 1, 1, ANY),
                block("host", 0, 0, checker)));
        Keyword udp = block("UDP_CHECK", 0, 0, concat(checker, kw("payload", 1, 1, ANY), flag("require_reply")));
        Keyword realServer = withCheck(block("real_server", 2, 2, withCheck(kw("weight", 1, 1, ANY),
                        range(0, 65535)), withCheck(kw("uthreshold", 1, 1, ANY), range(0, 1_000_000_000)),
                withCheck(kw("lthreshold", 1, 1, ANY), range(0, 1_000_000_000)), flag("inhibit_on_failure"),
                kw("notify_up", 1, 8, ANY), kw("notify_down", 1, 8, ANY), tcp, http, ssl, misc, dns, smtp, udp,
                withCheck(kw("retry", 1, 1, ANY), range(0, 100)),
                withCheck(kw("delay_before_retry", 1, 1, ANY), seconds()),
                withCheck(kw("warmup", 1, 1, ANY), seconds()),
                withCheck(kw("delay_loop", 1, 1, ANY), positiveSeconds()),
                withCheck(kw("connect_timeout", 1, 1, ANY), positiveSeconds()),
                ignored("smtp_alert", 0, 1, "lvs4j sends no e-mail; use notify_up and notify_down")), ipPort());
        Keyword method = withCheck(kw("lb_kind", 1, 1, ANY), a -> a.get(0).equalsIgnoreCase("NAT") ? null
                : a.get(0).equalsIgnoreCase("DR") || a.get(0).equalsIgnoreCase("TUN")
                ? a.get(0).toUpperCase(Locale.ROOT) + " is kernel-only: direct routing and tunnelling forward "
                        + "packets whose replies bypass the director, which only the kernel's IPVS can do; lvs4j "
                        + "proxies connections, as NAT does: use lb_kind NAT"
                : "must be NAT, DR or TUN but was '" + a.get(0) + "'");
        Keyword[] vs = {
            withCheck(kw("delay_loop", 1, 1, ANY), positiveSeconds()), withCheck(kw("lb_algo", 1, 1, ANY), SCHEDULER),
            withCheck(kw("lvs_sched", 1, 1, ANY), SCHEDULER), method,
            new Keyword("lvs_method", 1, 1, Block.NONE, Support.SUPPORTED, "", Map.of(), method.check()),
            withCheck(kw("persistence_timeout", 0, 1, ANY), a -> a.isEmpty() ? null : range(1, 2_678_400).check(a)),
            kw("persistence_granularity", 1, 1, ANY), withCheck(kw("protocol", 1, 1, ANY), oneOf("TCP", "UDP")),
            withCheck(kw("quorum", 1, 1, ANY), range(0, 1_000_000_000)),
            withCheck(kw("hysteresis", 1, 1, ANY), range(0, 1_000_000_000)),
            withCheck(kw("sorry_server", 2, 2, ANY), ipPort()), flag("alpha"), flag("omega"),
            flag("inhibit_on_failure"), flag("ha_suspend"), kw("virtualhost", 1, 1, ANY), flag("ops"),
            flag("sh-port"), flag("sh-fallback"), flag("mh-port"), flag("mh-fallback"),
            kw("quorum_up", 1, 8, ANY), kw("quorum_down", 1, 8, ANY),
            withCheck(kw("retry", 1, 1, ANY), range(0, 100)), withCheck(kw("warmup", 1, 1, ANY), seconds()),
            withCheck(kw("delay_before_retry", 1, 1, ANY), seconds()),
            withCheck(kw("connect_timeout", 1, 1, ANY), positiveSeconds()), realServer,
            ignored("smtp_alert", 0, 1, "lvs4j sends no e-mail; use quorum_up and quorum_down"),
            block("lvs4j", 0, 0, withCheck(kw("proxy_protocol", 1, 1, ANY), oneOf("V1", "V2")),
                    withCheck(kw("slow_start", 1, 1, ANY), seconds()),
                    withCheck(kw("max_conns", 1, 1, ANY), range(0, Integer.MAX_VALUE)),
                    withCheck(kw("udp_responses", 1, 1, ANY), range(0, VirtualService.MAX_UDP_RESPONSES))),
        };
        Keyword virtualServer = withCheck(block("virtual_server", 2, 2, vs), a -> a.get(0).equals("group") ? null
                : a.get(0).equals("fwmark") ? "fwmark services are kernel-only: a firewall mark is set on packets "
                        + "by netfilter, which a user-space director does not see; name an address and port"
                : ipPort().check(a));
        Keyword lvs4j = block("lvs4j", 0, 0, kw("key_file", 1, 1, ANY), withCheck(kw("key_id", 1, 1, ANY),
                range(0, 255)), flag("insecure"), withCheck(kw("advert_per_interval", 1, 1, ANY), range(1, 4)),
                withCheck(kw("failover_port", 1, 1, ANY), range(1, 65535)),
                withCheck(kw("max_flows", 1, 1, ANY), range(1, Integer.MAX_VALUE)),
                withCheck(kw("max_conns", 1, 1, ANY), range(1, Integer.MAX_VALUE)));
        Keyword instance = block("vrrp_instance", 1, 1,
                withCheck(kw("state", 1, 1, ANY), oneOf("MASTER", "BACKUP")), kw("interface", 1, 1, ANY),
                withCheck(kw("virtual_router_id", 1, 1, ANY), range(1, 255)),
                withCheck(kw("priority", 1, 1, ANY), range(1, 255)), withCheck(kw("advert_int", 1, 1, ANY),
                        seconds()), flag("nopreempt"), withCheck(kw("preempt_delay", 1, 1, ANY), seconds()),
                withCheck(kw("unicast_src_ip", 1, 1, ANY), ipOnly()), withCheck(kw("mcast_src_ip", 1, 1, ANY),
                        ipOnly()),
                lines("unicast_peer", 0, 0, Support.SUPPORTED, ""), lines("virtual_ipaddress", 0, 0,
                        Support.SUPPORTED, ""), lines("track_script", 0, 0, Support.SUPPORTED, ""),
                lines("track_interface", 0, 0, Support.IGNORED, "interface tracking is not built; use a "
                        + "track_script"),
                lines("virtual_ipaddress_excluded", 0, 0, Support.SUPPORTED, ""),
                kw("notify_master", 1, 8, ANY), kw("notify_backup", 1, 8, ANY), kw("notify_fault", 1, 8, ANY),
                kw("notify_stop", 1, 8, ANY), kw("notify", 1, 8, ANY),
                withCheck(kw("garp_master_delay", 1, 1, ANY), seconds()),
                withCheck(kw("garp_master_repeat", 1, 1, ANY), range(0, 255)),
                withCheck(kw("garp_master_refresh", 1, 1, ANY), seconds()),
                new Keyword("authentication", 0, 0, Block.LINES, Support.IGNORED, "keepalived's PASS and AH "
                        + "authentication are replaced by lvs4j's HMAC-SHA256: give the key in an lvs4j { key_file "
                        + "PATH } block", Map.of(), ANY),
                ignored("dont_track_primary", 0, 0, "interface tracking is not built"),
                ignored("smtp_alert", 0, 1, "lvs4j sends no e-mail; use notify scripts"), lvs4j);
        Keyword syncGroup = block("vrrp_sync_group", 1, 1, lines("group", 0, 0, Support.SUPPORTED, ""),
                kw("notify_master", 1, 8, ANY), kw("notify_backup", 1, 8, ANY), kw("notify_fault", 1, 8, ANY),
                kw("notify", 1, 8, ANY), ignored("smtp_alert", 0, 1, "lvs4j sends no e-mail"));
        Keyword script = block("vrrp_script", 1, 1, kw("script", 1, 8, ANY), withCheck(kw("interval", 1, 1, ANY),
                        positiveSeconds()), withCheck(kw("timeout", 1, 1, ANY), positiveSeconds()),
                withCheck(kw("weight", 1, 2, ANY), a -> !a.get(0).matches("[+-]?\\d{1,3}")
                        || Math.abs(Integer.parseInt(a.get(0))) > 253 ? "must be -253..253 but was '" + a.get(0) + "'"
                        : a.size() == 1 ? null : a.get(1).equals("reverse") ? a.get(0) + " reverse is not built in "
                        + "lvs4j (it would turn the script's effect on the priority around); give the weight its "
                        + "sign instead, or invert the script's exit status"
                        : "takes 'N' or 'N reverse' but was given '" + a.get(1) + "'"),
                withCheck(kw("rise", 1, 1, ANY), range(1, 1000)), withCheck(kw("fall", 1, 1, ANY), range(1, 1000)),
                ignored("user", 1, 2, "scripts run as the director's user"));
        Keyword globalLvs4j = block("lvs4j", 0, 0, withCheck(kw("transport", 1, 1, ANY), oneOf("AUTO", "EPOLL",
                        "IO_URING", "NIO")), withCheck(kw("connect_timeout", 1, 1, ANY), positiveSeconds()),
                withCheck(kw("idle_timeout", 1, 1, ANY), positiveSeconds()),
                withCheck(kw("udp_unreplied_timeout", 1, 1, ANY), positiveSeconds()),
                withCheck(kw("max_flows", 1, 1, ANY), range(1, Integer.MAX_VALUE)),
                withCheck(kw("max_conns", 1, 1, ANY), range(1, Integer.MAX_VALUE)),
                withCheck(kw("stop_grace", 1, 1, ANY), seconds()), flag("events"));
        Keyword global = block("global_defs", 0, 0, kw("router_id", 1, 1, ANY), globalLvs4j,
                lines("notification_email", 0, 0, Support.IGNORED, "lvs4j sends no e-mail; use notify scripts"),
                ignored("notification_email_from", 1, 1, "lvs4j sends no e-mail"),
                ignored("smtp_server", 1, 2, "lvs4j sends no e-mail"),
                ignored("smtp_connect_timeout", 1, 1, "lvs4j sends no e-mail"),
                ignored("enable_script_security", 0, 0, "scripts run as the director's user"),
                ignored("script_user", 1, 2, "scripts run as the director's user"),
                withCheck(kw("vrrp_garp_master_delay", 1, 1, ANY), seconds()),
                withCheck(kw("vrrp_garp_master_repeat", 1, 1, ANY), range(0, 255)),
                withCheck(kw("vrrp_garp_master_refresh", 1, 1, ANY), seconds()),
                ignored("lvs_id", 1, 1, "the router_id names the director"),
                ignored("vrrp_skip_check_adv_addr", 0, 0, "adverts are authenticated instead"),
                ignored("vrrp_strict", 0, 0, "lvs4j's adverts are its own protocol over UDP, not VRRP"),
                ignored("lvs_sync_daemon", 1, 4, "persistence templates ride on the failover adverts"));
        for (Keyword k : new Keyword[] {global, virtualServer, lines("virtual_server_group", 1, 1, Support.SUPPORTED,
                ""), instance, syncGroup, script}) {
            ROOT.put(k.name(), k);
        }
    }

    private static Keyword[] concat(Keyword[] a, Keyword... b) {
        Keyword[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Every problem of a parsed file, in file order. */
    public static List<ConfigProblem> check(List<ConfigNode> nodes) {
        List<ConfigProblem> out = new ArrayList<>();
        check(nodes, ROOT, "the top level", out);
        return out;
    }

    private static void check(List<ConfigNode> nodes, Map<String, Keyword> context, String where,
            List<ConfigProblem> out) {
        for (ConfigNode n : nodes) {
            Keyword k = context.get(n.keyword());
            if (k == null) {
                String near = closest(n.keyword(), context.keySet());
                out.add(new ConfigProblem(true, n.position(), "unknown keyword '" + n.keyword() + "' in " + where
                        + (near == null ? "" : "; did you mean '" + near + "'?")));
                continue;
            }
            int count = n.args().size();
            if (count < k.minArgs() || count > k.maxArgs()) {
                out.add(new ConfigProblem(true, n.position(), k.name() + " takes " + (k.minArgs() == k.maxArgs()
                        ? k.minArgs() : k.minArgs() + ".." + k.maxArgs()) + (k.maxArgs() == 1 ? " argument"
                        : " arguments") + " but was given " + count));
                continue;
            }
            if (k.block() == Block.NONE && n.children() != null) {
                out.add(new ConfigProblem(true, n.position(), k.name() + " takes no block"));
                continue;
            }
            if (k.block() != Block.NONE && n.children() == null) {
                out.add(new ConfigProblem(true, n.position(), k.name() + " needs a block: " + k.name() + " ... { ... }"));
                continue;
            }
            if (k.support() == Support.IGNORED) {
                out.add(new ConfigProblem(false, n.position(), k.name() + " is not supported by lvs4j (" + k.why()
                        + "); ignored"));
                continue;
            }
            if (k.support() == Support.REFUSED) {
                out.add(new ConfigProblem(true, n.position(), k.name() + ": " + k.why()));
                continue;
            }
            if (count > 0 || k.minArgs() > 0) {
                String bad = count == 0 ? null : k.check().check(n.args().stream().map(ConfigNode.Arg::text)
                        .toList());
                if (bad != null) {
                    ConfigPosition at = n.args().isEmpty() ? n.position() : n.args().get(0).position();
                    out.add(new ConfigProblem(true, at, k.name() + " " + bad));
                }
            }
            if (k.block() == Block.STATEMENTS) {
                check(n.block(), k.children(), k.name() + (n.args().isEmpty() ? "" : " " + n.args().get(0).text()),
                        out);
            }
            if (n.keyword().equals("vrrp_instance") && n.block().stream().noneMatch(c -> c.keyword().equals("lvs4j")
                    && c.block().stream().anyMatch(d -> d.keyword().equals("key_file")))) {
                out.add(new ConfigProblem(false, n.position(), "vrrp_instance " + n.args().get(0).text() + " has no "
                        + "lvs4j { key_file PATH } block: its adverts would not be authenticated, and starting it "
                        + "needs --insecure"));
            }
        }
    }

    /** The known keyword closest to {@code word} (edit distance at most a third of its length, at least 2). */
    public static @Nullable String closest(String word, Iterable<String> known) {
        String best = null;
        int bestDistance = Math.max(2, word.length() / 3) + 1;
        for (String k : known) {
            int d = distance(word.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
