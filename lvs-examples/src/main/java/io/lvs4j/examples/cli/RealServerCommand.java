package io.lvs4j.examples.cli;

import io.lvs4j.examples.demo.DemoDnsServer;
import io.lvs4j.examples.demo.DemoRealServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lvs4j realserver}: the demo's HTTP real server with a capacity model, in the foreground. */
@Command(name = "realserver", mixinStandardHelpOptions = true,
        description = {"Run a demo HTTP real server with an explicit capacity model: --workers requests in service at "
                + "once for --service-time each (a timer, not CPU), --queue more waiting; beyond that a request is "
                + "answered 503 (or its connection reset) and counted. Capacity = workers / service time.",
            "GET /health answers 200 at once; GET /stats prints the counters and the process's CPU time."})
final class RealServerCommand implements Callable<Integer> {

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Where to listen.")
    String listen = "";

    @Option(names = "--name", paramLabel = "NAME", description = "The name in its answers. Default: the address.")
    String name = "";

    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "Requests in service at once. Default: ${DEFAULT-VALUE}.")
    int workers = 4;

    @Option(names = "--service-time", paramLabel = "DURATION", defaultValue = "20ms",
            converter = DurationConverter.class, description = "Simulated work per request. Default: 20ms.")
    Duration serviceTime = Duration.ofMillis(20);

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Requests that may wait for a worker. Default: ${DEFAULT-VALUE}.")
    int queue = 16;

    @Option(names = "--overflow", paramLabel = "reject|refuse", defaultValue = "reject",
            description = "Beyond the queue: reject (answer 503) or refuse (reset the connection). Default: reject.")
    String overflow = "reject";

    @Option(names = "--dns", description = "Answer DNS over UDP instead of HTTP (for the UDP examples): A "
            + "127.0.0.1, AAAA ::1, SOA, and a TXT record with the name for any other type.")
    boolean dns;

    @Override
    public Integer call() throws Exception {
        if (dns) {
            return dns();
        }
        DemoRealServer.Overflow mode = switch (overflow.toLowerCase(Locale.ROOT)) {
            case "reject" -> DemoRealServer.Overflow.REJECT;
            case "refuse" -> DemoRealServer.Overflow.REFUSE;
            default -> throw new ParameterException(spec.commandLine(),
                    "--overflow must be reject or refuse but was '" + overflow + "'");
        };
        DemoRealServer server;
        try {
            server = DemoRealServer.start(name.isEmpty() ? listen : name, Endpoints.address("--listen", listen),
                    workers, serviceTime, queue, mode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("lvs4j realserver: " + server.stats());
            out.flush();
            server.close();
            stopped.countDown();
        }, "lvs4j-stop"));
        double capacity = workers * 1e9 / Math.max(1, serviceTime.toNanos());
        out.printf(Locale.ROOT, "lvs4j realserver: %s on %s, %d workers x %d ms, queue %d: capacity %.0f requests/s%n",
                name.isEmpty() ? listen : name, Endpoints.format(server.address()), workers, serviceTime.toMillis(),
                queue, capacity);
        out.flush();
        stopped.await();
        return 0;
    }

    private int dns() throws InterruptedException {
        DemoDnsServer server;
        try {
            server = DemoDnsServer.start(name.isEmpty() ? listen : name,
                    Endpoints.address("--listen", listen));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("lvs4j realserver: " + server.answered() + " DNS queries answered");
            out.flush();
            server.close();
            stopped.countDown();
        }, "lvs4j-stop"));
        out.println("lvs4j realserver: " + (name.isEmpty() ? listen : name) + " answers DNS on udp "
                + Endpoints.format(server.address()));
        out.flush();
        stopped.await();
        return 0;
    }
}
