package io.lvs4j.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Socket addresses as lvs4j writes them ({@link #format}), and the validation shared by the builders of this package.
 */
public final class Addresses {

    private Addresses() {
    }

    static InetSocketAddress socketAddress(String field, String ip, int port) {
        Objects.requireNonNull(ip, field);
        checkPort(field + " port", port);
        return new InetSocketAddress(parseLiteral(field, ip), port);
    }

    /** Parses an IP literal without a DNS lookup. */
    static InetAddress parseLiteral(String field, String ip) {
        String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        if (!isIpLiteral(s)) {
            throw new IllegalArgumentException(field + " must be an IPv4 or IPv6 literal but was '" + ip + "'");
        }
        try {
            return InetAddress.getByName(s); // a literal is parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + " must be an IPv4 or IPv6 literal but was '" + ip + "'", e);
        }
    }

    private static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = c == ':' || c == '.' || c == '%' || Character.digit(c, 16) >= 0
                        || (s.indexOf('%') >= 0 && i > s.indexOf('%'));
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(field + " must be 1..65535 but was " + port);
        }
    }

    static InetSocketAddress checkResolved(String field, InetSocketAddress address) {
        Objects.requireNonNull(address, field);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(field + " must be a resolved IP address but was " + address);
        }
        checkPort(field + " port", address.getPort());
        return address;
    }

    /** As {@link #checkResolved} but port 0 is allowed (a client's port may be unknown, e.g. in tests). */
    static InetSocketAddress checkResolvedAnyPort(String field, InetSocketAddress address) {
        Objects.requireNonNull(address, field);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(field + " must be a resolved IP address but was " + address);
        }
        return address;
    }

    /** {@code 10.0.0.1:80} or {@code [2001:db8::1]:80}, as ipvsadm -n writes them; never a DNS lookup. */
    public static String format(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        String host = a == null ? address.getHostString() : a.getHostAddress();
        return a instanceof Inet6Address ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
