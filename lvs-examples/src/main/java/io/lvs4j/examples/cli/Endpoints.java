package io.lvs4j.examples.cli;

import io.lvs4j.api.Addresses;
import io.lvs4j.api.RealServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine;

/** Parses {@code HOST:PORT} and {@code HOST:PORT:WEIGHT}; IPv6 hosts go in brackets: {@code [::1]:80:3}. */
final class Endpoints {

    private Endpoints() {
    }

    /** {@code HOST:PORT}. */
    static InetSocketAddress address(String option, String value) {
        String[] parts = split(option, value);
        if (parts.length != 2) {
            throw new CommandLine.TypeConversionException(option + " '" + value + "' must be HOST:PORT");
        }
        return new InetSocketAddress(host(option, value, parts[0]), port(option, value, parts[1]));
    }

    /** {@code HOST:PORT[:WEIGHT]} as a real server. */
    static RealServer realServer(String option, String value) {
        String[] parts = split(option, value);
        if (parts.length < 2 || parts.length > 3) {
            throw new CommandLine.TypeConversionException(option + " '" + value + "' must be HOST:PORT[:WEIGHT]");
        }
        RealServer.Builder b = RealServer.builder(new InetSocketAddress(host(option, value, parts[0]),
                port(option, value, parts[1])));
        if (parts.length == 3) {
            try {
                b.weight(Integer.parseInt(parts[2]));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(option + " '" + value + "': weight must be 0..65535");
            }
        }
        return b.build();
    }

    /** The inverse of {@link #address}: {@code 10.0.0.1:80} or {@code [::1]:80}. */
    static String format(InetSocketAddress address) {
        return Addresses.format(address);
    }

    private static String[] split(String option, String value) {
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new CommandLine.TypeConversionException(option + " '" + value + "' must be [IPV6]:PORT");
            }
            String rest = value.substring(close + 2);
            String[] tail = rest.split(":", -1);
            String[] out = new String[tail.length + 1];
            out[0] = value.substring(1, close);
            System.arraycopy(tail, 0, out, 1, tail.length);
            return out;
        }
        return value.split(":", -1);
    }

    private static InetAddress host(String option, String value, String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CommandLine.TypeConversionException(option + " '" + value + "': unknown host '" + host + "'");
        }
    }

    private static int port(String option, String value, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new CommandLine.TypeConversionException(option + " '" + value + "': port must be 1..65535");
    }
}
