package io.lvs4j.examples.cli;

import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.AdminToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The commands that talk to a running {@code lvs4j director} through its admin endpoint: {@code status},
 * {@code weight}, {@code drain}, {@code disable}, {@code enable}, {@code reload}. With no options they find the
 * director on this host at the default admin port, with the token it wrote for this user.
 */
final class AdminCommands {

    private AdminCommands() {
    }

    /**
     * Checks a {@code HOST:PORT} value when the command line is parsed, so that a bad one is a usage error naming the
     * option and the value (picocli names the option), not a failed call.
     */
    static final class HostPort implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Endpoints.address("", value);
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.TypeConversionException(String.valueOf(e.getMessage()).trim());
            }
            return value;
        }
    }

    /** Where the director is and how to prove who we are. */
    static final class Endpoint {
        @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + AdminServer.DEFAULT_PORT,
                converter = HostPort.class, description = "The director's admin endpoint. Default: ${DEFAULT-VALUE}.")
        String admin = "127.0.0.1:" + AdminServer.DEFAULT_PORT;

        @Option(names = "--token-file", paramLabel = "PATH", description = "The director's admin token. Default: "
                + "$LVS4J_HOME/admin-PORT.token, LVS4J_HOME defaulting to ~/.lvs4j.")
        @Nullable Path tokenFile;

        /**
         * Sends one call; prints the answer to out (2xx) or err. Returns 0 on 2xx, 1 when the director refused,
         * {@value Lvs4jCommand#EXIT_UNREACHABLE} when it could not be reached or no token was found.
         */
        int call(CommandSpec spec, String method, String path) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            InetSocketAddress at = Endpoints.address("--admin", admin);
            String token;
            try {
                token = AdminToken.read(tokenFile != null ? tokenFile : AdminToken.defaultFile(at.getPort()));
            } catch (IOException e) {
                err.println("lvs4j " + spec.name() + ": " + e.getMessage());
                err.flush();
                return Lvs4jCommand.EXIT_UNREACHABLE;
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + Endpoints.format(at) + path))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                boolean ok = response.statusCode() / 100 == 2;
                (ok ? out : err).print(ok ? response.body() : "lvs4j " + spec.name() + ": " + response.body());
                (ok ? out : err).flush();
                return ok ? 0 : 1;
            } catch (IOException e) {
                err.println("lvs4j " + spec.name() + ": no director answers at " + Endpoints.format(at) + " ("
                        + e + ")");
                err.flush();
                return Lvs4jCommand.EXIT_UNREACHABLE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Lvs4jCommand.EXIT_UNREACHABLE;
            }
        }
    }

    /** A virtual service and one of its real servers, named as ipvsadm names them. */
    static final class Target {
        @ArgGroup(exclusive = true, multiplicity = "1")
        @SuppressWarnings("NullAway.Init")
        Service service;

        @Option(names = {"-r", "--real-server"}, required = true, paramLabel = "RIP:PORT", converter = HostPort.class,
                description = "The real server.")
        String real = "";

        static final class Service {
            @Option(names = {"-t", "--tcp-service"}, paramLabel = "VIP:PORT", converter = HostPort.class,
                    description = "A TCP virtual service.")
            @Nullable String tcp;

            @Option(names = {"-u", "--udp-service"}, paramLabel = "VIP:PORT", converter = HostPort.class,
                    description = "A UDP virtual service.")
            @Nullable String udp;
        }

        String query() {
            String protocol = service.tcp != null ? "tcp" : "udp";
            String vip = service.tcp != null ? service.tcp : service.udp;
            return "protocol=" + protocol + "&service=" + encode(vip) + "&real=" + encode(real);
        }

        private static String encode(@Nullable String s) {
            return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Print a running director's table, as ipvsadm -L -n --stats --rate, with each VRRP "
                    + "instance's role and each real server's health and operator hold (DRAIN, MAINT).",
                "--json prints the whole state as the versioned JSON document of GET /status.json (schema in "
                    + "docs/keepalived.md)."})
    static final class Status implements Callable<Integer> {
        @Spec
        @SuppressWarnings("NullAway.Init")
        CommandSpec spec;
        @Mixin
        Endpoint endpoint = new Endpoint();
        @ArgGroup(exclusive = true)
        @Nullable Format format;

        static final class Format {
            @Option(names = "--metrics", description = "Print the Prometheus metrics instead.")
            boolean metrics;

            @Option(names = "--json", description = "Print the status as JSON (schema 1, docs/keepalived.md).")
            boolean json;
        }

        @Override
        public Integer call() {
            Format f = format;
            return endpoint.call(spec, "GET", f == null ? "/status" : f.metrics ? "/metrics" : "/status.json");
        }
    }

    /** A change to one real server: the call's path, with the target and any extra parameters. */
    abstract static class Change implements Callable<Integer> {
        @Spec
        @SuppressWarnings("NullAway.Init")
        CommandSpec spec;
        @Mixin
        Endpoint endpoint = new Endpoint();
        @Mixin
        Target target = new Target();

        /** The call, e.g. {@code /drain}. */
        abstract String path();

        /** Parameters after the target's, each starting with {@code &}; none by default. */
        String extra() {
            return "";
        }

        @Override
        public Integer call() {
            return endpoint.call(spec, "POST", path() + "?" + target.query() + extra());
        }
    }

    @Command(name = "weight", mixinStandardHelpOptions = true,
            description = "Set a real server's weight (ipvsadm -e -w) in a running director, until the next reload; "
                    + "a drain or maintenance stays.")
    static final class Weight extends Change {
        int weight;

        @Option(names = {"-w", "--weight"}, required = true, paramLabel = "N", description = "0..65535.")
        void weight(int weight) {
            if (weight < 0 || weight > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--weight must be 0..65535 but was "
                        + weight);
            }
            this.weight = weight;
        }

        @Override
        String path() {
            return "/weight";
        }

        @Override
        String extra() {
            return "&weight=" + weight;
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drain a real server (HAProxy's drain): no new connections except those persistence sends "
                    + "back; established connections continue; checks go on; the weight is kept.")
    static final class Drain extends Change {
        @Override
        String path() {
            return "/drain";
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Put a real server in maintenance (HAProxy's maint): no new connections at all, persistent "
                    + "ones included; checks stop; established connections continue.")
    static final class Disable extends Change {
        @Override
        String path() {
            return "/disable";
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "End a drain (at once) or a maintenance (the server comes back at its next passing check, at "
                    + "once when it has no checker).")
    static final class Enable extends Change {
        @Override
        String path() {
            return "/enable";
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Make a running director read its file again and apply it without dropping connections "
                    + "(as SIGHUP); an invalid file leaves the running configuration as it is.")
    static final class Reload implements Callable<Integer> {
        @Spec
        @SuppressWarnings("NullAway.Init")
        CommandSpec spec;
        @Mixin
        Endpoint endpoint = new Endpoint();

        @Override
        public Integer call() {
            return endpoint.call(spec, "POST", "/reload");
        }
    }
}
