package io.lvs4j.examples.demo;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One process of the experiment: an {@code lvs4j} subcommand in its own JVM. Its output goes to a log file; lines of
 * the form {@code event EPOCH_MILLIS KIND DETAIL} become {@link Event}s, the other lines can be awaited in order.
 */
final class Child implements AutoCloseable {

    /** An event line of a director: when (microseconds since the epoch), what kind, and the rest. */
    record Event(String process, long epochMicros, String kind, String detail) {

    }

    private final String name;
    private final Process process;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer stdin;

    private Child(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        BufferedWriter logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> pump(logWriter), "demo-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code lvs4j ARGS} as a separate JVM with this JVM's class path.
     *
     * @param jvmOptions options for that JVM, e.g. a heap size
     */
    static Child start(String name, Path logDir, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.lvs4j.examples.cli.Lvs4jCommand");
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new Child(name, p, logDir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    private void pump(BufferedWriter log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); log) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                log.write(line);
                log.newLine();
                log.flush();
                Event e = parse(line);
                if (e != null) {
                    events.add(e);
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended; what it wrote is in the log
        }
    }

    private @Nullable Event parse(String line) {
        if (!line.startsWith("event ")) {
            return null;
        }
        String[] f = line.split(" ", 4);
        if (f.length < 3) {
            return null;
        }
        try {
            return new Event(name, Math.round(Double.parseDouble(f[1]) * 1000), f[2], f.length > 3 ? f[3] : "");
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** Waits for the next output line that starts with {@code prefix}, skipping others. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " did not print '" + prefix + "...' within " + timeout
                        + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits for an event of {@code kind} whose detail starts with {@code detail}, at or after {@code sinceMicros}. */
    Event awaitEvent(String kind, String detail, long sinceMicros, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (Event e : events) {
                if (e.kind().equals(kind) && e.detail().startsWith(detail) && e.epochMicros() >= sinceMicros) {
                    return e;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(5); // polling another process's output from the demo's own thread
        }
        throw new IllegalStateException(name + " reported no '" + kind + " " + detail + "' event within " + timeout);
    }

    /** Writes one line to the process's standard input. */
    void send(String line) {
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name, e);
        }
    }

    /** SIGKILL: the process dies at once, as a crashed machine would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL after five seconds. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
