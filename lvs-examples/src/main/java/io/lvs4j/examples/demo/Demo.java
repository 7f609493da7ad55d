package io.lvs4j.examples.demo;

import io.lvs4j.examples.demo.DemoResult.Mark;
import io.lvs4j.examples.demo.DemoResult.Step;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs the reference experiment: real servers, an active-standby pair of directors and the load generator, each its
 * own process on loopback; first the performance test (one real server hit directly, then the director with each
 * cluster size, at rising offered loads), then the redundancy test (kill -9 a real server and bring it back, kill -9
 * the master director and restart it). Progress goes to the given writer; the result goes to
 * {@link io.lvs4j.examples.demo.report.Analysis}.
 */
public final class Demo implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final List<String> SERVER_JVM = List.of("-Xms32m", "-Xmx128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final List<String> DIRECTOR_JVM = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final DemoSettings settings;
    private final PrintWriter progress;
    private final Path runDir;
    private final Path logDir;
    private final Path recordDir;
    private final Path keyFile;
    private final List<Child> children = new ArrayList<>();
    private final Map<String, Child> realServers = new LinkedHashMap<>();
    private final Map<String, Integer> realServerPorts = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();
    private final Child loader;
    private int records;

    /** Prepares the run's folder under the report folder and starts the load generator's process. */
    public Demo(DemoSettings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
        this.runDir = settings.out().resolve("run");
        this.logDir = runDir.resolve("logs");
        this.recordDir = runDir.resolve("records");
        this.keyFile = runDir.resolve("failover.key");
        try {
            deleteTree(runDir);
            Files.createDirectories(logDir);
            Files.createDirectories(recordDir);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(keyFile, HexFormat.of().formatHex(key), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the key is a throwaway for this run anyway
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + runDir, e);
        }
        loader = Child.start("loader", logDir, DIRECTOR_JVM, List.of("load", "--serve"));
        children.add(loader);
    }

    /** Runs both tests and returns what they measured. */
    public DemoResult run() throws InterruptedException {
        double c = settings.capacity();
        say("lvs4j demo (%s): real servers of %d workers x %d ms, queue %d = capacity %.0f requests/s each",
                settings.mode(), settings.workers(), settings.serviceTime().toMillis(), settings.queue(), c);
        for (int i = 1; i <= settings.realServersNeeded(); i++) {
            startRealServer("rs" + i, freeTcpPort());
        }
        loader.awaitLine("ready", START_TIMEOUT);
        for (String name : realServers.keySet()) {
            awaitListening(realServerPorts.get(name), name);
        }
        for (int port : realServerPorts.values()) { // JIT warm-up of every real server, so CPU figures compare
            load(new InetSocketAddress(LOOPBACK, port), settings.capacity() * 0.5, settings.warmup().dividedBy(2));
        }
        List<Step> steps = new ArrayList<>();
        InetSocketAddress rs1 = new InetSocketAddress(LOOPBACK, realServerPorts.get("rs1"));
        say("performance: one real server, no director");
        steps.addAll(performance("single", 1, rs1, null));
        for (int n : settings.clusterSizes()) {
            say("performance: the director with %d real servers", n);
            try (Pair pair = startPair(n)) {
                steps.addAll(performance(n + " servers", n, pair.vip, pair));
            }
        }
        DemoResult.Redundancy redundancy = redundancy();
        return new DemoResult(settings, machine(), steps, redundancy, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private List<Step> performance(String config, int n, InetSocketAddress target,
            @Nullable Pair pair) throws InterruptedException {
        // JIT warm-up of the director and the servers at 3/4 of the configuration's capacity, not reported
        load(target, settings.capacity() * 0.75 * n, settings.warmup());
        List<Step> steps = new ArrayList<>();
        for (double f : settings.loadFactors()) {
            double rate = f * settings.capacity();
            Map<String, Child> watched = new LinkedHashMap<>();
            if (pair != null) {
                watched.put("director", pair.master);
                watched.put("backup", pair.backup);
            }
            int i = 0;
            for (Map.Entry<String, Child> rs : realServers.entrySet()) {
                if (i++ < n) {
                    watched.put(rs.getKey(), rs.getValue());
                }
            }
            watched.put("loader", loader);
            Map<String, Long> before = new LinkedHashMap<>();
            watched.forEach((k, v) -> before.put(k, Cpu.ticks(v.pid())));
            long t0 = System.nanoTime();
            LoadRecords r = load(target, rate, settings.step());
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> cpu = new LinkedHashMap<>();
            watched.forEach((k, v) -> cpu.put(k, Cpu.percent(before.get(k), Cpu.ticks(v.pid()), seconds)));
            Summary s = Summary.of(r, settings.step().toNanos() / 1e9);
            steps.add(new Step(config, n, f, s, cpu));
            say("  %-10s %5.2fx = %5.0f/s: ok %6.1f/s, loss %6.2f%%, ms mean %6.1f p50 %6.1f p99 %7.1f; cpu %s",
                    config, f, rate, s.throughput(), s.lossPercent(), s.meanMs(), s.p50Ms(), s.p99Ms(), cpuLine(cpu));
        }
        return steps;
    }

    private static String cpuLine(Map<String, Double> cpu) {
        StringBuilder b = new StringBuilder();
        cpu.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append(' ')
                .append(v < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", v)));
        return b.toString();
    }

    private DemoResult.Redundancy redundancy() throws InterruptedException {
        DemoSettings.Plan plan = settings.plan();
        say("redundancy: %d real servers at %.0f requests/s; checks every %d ms, adverts every %d ms",
                plan.realServers(), plan.loadFactor() * settings.capacity(), settings.checkInterval().toMillis(),
                settings.advert().toMillis());
        List<Mark> marks = new ArrayList<>();
        String victim = "rs" + plan.realServers();
        int victimPort = realServerPorts.get(victim);
        String victimAddress = "127.0.0.1:" + victimPort;
        try (Pair pair = startPair(plan.realServers())) {
            load(pair.vip, settings.capacity() * 0.5, settings.warmup());
            Path file = recordDir.resolve("redundancy.txt");
            long start = nowMicros();
            loader.send(String.format(Locale.ROOT, "run %s %.3f %d %d / %s", "127.0.0.1:" + pair.vip.getPort(),
                    plan.loadFactor() * settings.capacity(), plan.end().toMillis(), settings.timeout().toMillis(),
                    file));
            sleepUntil(start + plan.killRealServer().toNanos() / 1000);
            long killRs = nowMicros();
            realServers.get(victim).kill();
            marks.add(new Mark(killRs, "kill-rs", "kill -9 " + victim));
            say("  %5.1f s: kill -9 %s", (killRs - start) / 1e6, victim);
            Child.Event down = pair.master.awaitEvent("server", victimAddress + " DOWN", killRs,
                    Duration.ofSeconds(20));
            marks.add(new Mark(down.epochMicros(), "rs-down", victim + " down"));
            say("  %5.1f s: the director marks %s DOWN (%d ms after the kill)", (down.epochMicros() - start) / 1e6,
                    victim, (down.epochMicros() - killRs) / 1000);

            sleepUntil(start + plan.restartRealServer().toNanos() / 1000);
            long restartRs = nowMicros();
            startRealServer(victim, victimPort);
            marks.add(new Mark(restartRs, "restart-rs", "restart " + victim));
            say("  %5.1f s: restart %s", (restartRs - start) / 1e6, victim);
            Child.Event up = pair.master.awaitEvent("server", victimAddress + " UP", restartRs,
                    Duration.ofSeconds(20));
            marks.add(new Mark(up.epochMicros(), "rs-up", victim + " up (slow start)"));
            say("  %5.1f s: the director marks %s UP; slow start over %d s", (up.epochMicros() - start) / 1e6,
                    victim, settings.slowStart().toSeconds());

            sleepUntil(start + plan.killMaster().toNanos() / 1000);
            long killMaster = nowMicros();
            pair.master.kill();
            marks.add(new Mark(killMaster, "kill-master", "kill -9 master"));
            say("  %5.1f s: kill -9 the master director", (killMaster - start) / 1e6);
            Child.Event master = pair.backup.awaitEvent("role", "MASTER", killMaster, Duration.ofSeconds(10));
            marks.add(new Mark(master.epochMicros(), "backup-master", "backup MASTER"));
            Child.Event takeover = pair.backup.awaitEvent("serving", "", killMaster, Duration.ofSeconds(10));
            marks.add(new Mark(takeover.epochMicros(), "takeover", "backup serving"));
            say("  %5.1f s: the backup becomes MASTER (%d ms after the kill) and serves (%d ms)",
                    (master.epochMicros() - start) / 1e6, (master.epochMicros() - killMaster) / 1000,
                    (takeover.epochMicros() - killMaster) / 1000);

            sleepUntil(start + plan.restartMaster().toNanos() / 1000);
            long restartMaster = nowMicros();
            pair.master = startDirector("master-2", pair, 150);
            marks.add(new Mark(restartMaster, "restart-master", "restart master"));
            say("  %5.1f s: restart the master director", (restartMaster - start) / 1e6);
            Child.Event preempt = pair.master.awaitEvent("serving", "", restartMaster, Duration.ofSeconds(20));
            marks.add(new Mark(preempt.epochMicros(), "preempt", "master serving again"));
            say("  %5.1f s: the restarted master preempts and serves (%d ms after its restart)",
                    (preempt.epochMicros() - start) / 1e6, (preempt.epochMicros() - restartMaster) / 1000);

            loader.awaitLine("done", plan.end().plus(settings.timeout()).plus(Duration.ofSeconds(30)));
            marks.sort(Comparator.comparingLong(Mark::epochMicros));
            return new DemoResult.Redundancy(LoadRecords.read(file), marks);
        }
    }

    /** The two directors of an active-standby pair in front of the first {@code n} real servers. */
    private final class Pair implements AutoCloseable {
        final InetSocketAddress vip;
        final int masterPort;
        final int backupPort;
        final int n;
        Child master;
        final Child backup;

        Pair(int n) throws InterruptedException {
            this.n = n;
            this.vip = new InetSocketAddress(LOOPBACK, freeTcpPort());
            this.masterPort = freeUdpPort();
            this.backupPort = freeUdpPort();
            this.master = startDirector("master", this, 150);
            this.backup = startDirector("backup", this, 100);
        }

        @Override
        public void close() {
            master.close();
            backup.close();
        }
    }

    private Pair startPair(int n) throws InterruptedException {
        long since = nowMicros();
        Pair pair = new Pair(n);
        pair.master.awaitEvent("serving", "", since, START_TIMEOUT);
        pair.backup.awaitEvent("role", "BACKUP", since, START_TIMEOUT);
        awaitListening(pair.vip.getPort(), "the virtual service");
        return pair;
    }

    private Child startDirector(String name, Pair pair, int priority) {
        boolean master = name.startsWith("master");
        List<String> args = new ArrayList<>(List.of("forward", "--events", "--listen", "127.0.0.1:" + pair.vip.getPort(),
                "--scheduler", "wlc", "--threads", "1", "--check", "http:/health",
                "--check-interval", settings.checkInterval().toMillis() + "ms",
                "--connect-timeout", "1s", "--slow-start", settings.slowStart().toMillis() + "ms",
                "--failover", "vrrp", "--router-id", "51", "--priority", Integer.toString(priority),
                "--advert", settings.advert().toMillis() + "ms", "--key-file", keyFile.toString(),
                "--failover-bind", "127.0.0.1:" + (master ? pair.masterPort : pair.backupPort),
                "--peer", "127.0.0.1:" + (master ? pair.backupPort : pair.masterPort),
                "--stop-grace", "1s"));
        int i = 0;
        for (Map.Entry<String, Integer> rs : realServerPorts.entrySet()) {
            if (i++ < pair.n) {
                args.add("--real");
                args.add("127.0.0.1:" + rs.getValue());
            }
        }
        String logName = name + "-" + pair.n + "rs" + (children.size());
        Child d = Child.start(logName, logDir, DIRECTOR_JVM, args);
        children.add(d);
        return d;
    }

    private void startRealServer(String name, int port) {
        Child rs = Child.start(name + "-" + children.size(), logDir, SERVER_JVM, List.of("realserver", "--listen",
                "127.0.0.1:" + port, "--name", name, "--workers", Integer.toString(settings.workers()),
                "--service-time", settings.serviceTime().toMillis() + "ms", "--queue",
                Integer.toString(settings.queue())));
        children.add(rs);
        realServers.put(name, rs);
        realServerPorts.put(name, port);
    }

    private LoadRecords load(InetSocketAddress target, double rate, Duration duration) throws InterruptedException {
        Path file = recordDir.resolve("run-" + (++records) + ".txt");
        loader.send(String.format(Locale.ROOT, "run 127.0.0.1:%d %.3f %d %d / %s", target.getPort(), rate,
                duration.toMillis(), settings.timeout().toMillis(), file));
        String reply = loader.awaitLine("", duration.plus(settings.timeout()).plus(Duration.ofSeconds(30)));
        if (!reply.startsWith("done ")) {
            throw new IllegalStateException("the load generator failed: " + reply);
        }
        return LoadRecords.read(file);
    }

    private static void awaitListening(int port, String what) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LOOPBACK, port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(20); // waiting for another process to bind
            }
        }
        throw new IllegalStateException(what + " does not listen on port " + port + " after " + START_TIMEOUT);
    }

    private static void sleepUntil(long epochMicros) throws InterruptedException {
        long left = epochMicros - nowMicros();
        if (left > 0) {
            Thread.sleep(left / 1000, (int) (left % 1000) * 1000); // the redundancy test's schedule of kills
        }
    }

    /** Wall-clock time in microseconds since the epoch, comparable across the processes of this host. */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }

    private static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on loopback", e);
        }
    }

    private void say(String format, Object... args) {
        progress.printf(Locale.ROOT, "[%4.0fs] " + format + "%n",
                Stream.concat(Stream.of((System.nanoTime() - startNanos) / 1e9), Stream.of(args)).toArray());
        progress.flush();
    }

    /** The machine, as the report states it. */
    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch")));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal").orElse("unknown"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    private static Optional<String> firstValue(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Stops every process this run started (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).close();
        }
    }
}
