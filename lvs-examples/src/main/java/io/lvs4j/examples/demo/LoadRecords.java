package io.lvs4j.examples.demo;

import io.lvs4j.examples.demo.LoadGenerator.Outcome;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What happened to every request of one load run: when it was due (microseconds after the run's start, itself in
 * microseconds since the epoch, so runs and other processes' events share one time line), how it ended, and its
 * response time measured from its due time. Immutable once built.
 */
public final class LoadRecords {

    /** The largest response time the histograms hold: one minute, in microseconds, at three significant digits. */
    private static final long MAX_MICROS = 60_000_000L;

    private final String target;
    private final double rate;
    private final long startEpochMicros;
    private final long[] dueMicros;
    private final long[] sentMicros;
    private final long[] latencyMicros;
    private final Outcome[] outcomes;

    LoadRecords(InetSocketAddress target, double rate, long startEpochMicros, long[] dueNanos, long[] sentNanos,
            long[] latencyNanos, Outcome[] outcomes) {
        this(target.getHostString() + ":" + target.getPort(), rate, startEpochMicros, micros(dueNanos),
                micros(sentNanos), micros(latencyNanos), outcomes.clone());
    }

    private LoadRecords(String target, double rate, long startEpochMicros, long[] dueMicros, long[] sentMicros,
            long[] latencyMicros, Outcome[] outcomes) {
        this.target = target;
        this.rate = rate;
        this.startEpochMicros = startEpochMicros;
        this.dueMicros = dueMicros;
        this.sentMicros = sentMicros;
        this.latencyMicros = latencyMicros;
        this.outcomes = outcomes;
    }

    private static long[] micros(long[] nanos) {
        long[] out = new long[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            out[i] = nanos[i] / 1000;
        }
        return out;
    }

    /** {@code HOST:PORT} the load went to. */
    public String target() {
        return target;
    }

    /** The offered rate, requests per second. */
    public double rate() {
        return rate;
    }

    /** When request 0 was due, microseconds since the epoch. */
    public long startEpochMicros() {
        return startEpochMicros;
    }

    /** Requests sent (each has an outcome). */
    public int sent() {
        return outcomes.length;
    }

    /** When request {@code i} was due, microseconds since the epoch. */
    public long dueEpochMicros(int i) {
        return startEpochMicros + dueMicros[i];
    }

    /**
     * When request {@code i}'s connection was actually opened, microseconds since the epoch: its due time, or later
     * when the generator fell behind (a busy host); what a director saw as the request's arrival.
     */
    public long sentEpochMicros(int i) {
        return startEpochMicros + sentMicros[i];
    }

    /** How request {@code i} ended. */
    public Outcome outcome(int i) {
        return outcomes[i];
    }

    /** Request {@code i}'s response (or failure) time from its due time, microseconds. */
    public long latencyMicros(int i) {
        return latencyMicros[i];
    }

    /** The count of each outcome among requests sent in [{@code fromMicros}, {@code toMicros}) since the epoch. */
    public Map<Outcome, Integer> counts(long fromMicros, long toMicros) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        for (int i = 0; i < outcomes.length; i++) {
            long sent = sentEpochMicros(i);
            if (sent >= fromMicros && sent < toMicros) {
                counts.merge(outcomes[i], 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The count of each outcome over the whole run. */
    public Map<Outcome, Integer> counts() {
        return counts(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Response times of the successful requests, microseconds, in an HdrHistogram (3 significant digits). */
    public Histogram okLatencies() {
        Histogram h = new Histogram(MAX_MICROS, 3);
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] == Outcome.OK) {
                h.recordValue(Math.max(0, Math.min(MAX_MICROS, latencyMicros[i])));
            }
        }
        return h;
    }

    /**
     * Writes the records as text: a header line, then {@code dueMicros sentMicros outcome latencyMicros} per request
     * (times from the run's start).
     */
    public void write(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("lvs4j-load 2 " + target + " " + rate + " " + startEpochMicros + " " + outcomes.length + "\n");
            StringBuilder line = new StringBuilder(48);
            for (int i = 0; i < outcomes.length; i++) {
                line.setLength(0);
                line.append(dueMicros[i]).append(' ').append(sentMicros[i]).append(' ').append(outcomes[i].name())
                        .append(' ')
                        .append(latencyMicros[i]).append('\n');
                w.write(line.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IllegalArgumentException naming the file and line when the text is not such a file
     */
    public static LoadRecords read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String header = r.readLine();
            String[] h = header == null ? new String[0] : header.split(" ");
            if (h.length != 6 || !h[0].equals("lvs4j-load") || !h[1].equals("2")) {
                throw new IllegalArgumentException(file + ":1: not an lvs4j-load 2 file: '" + header + "'");
            }
            int n = Integer.parseInt(h[5]);
            long[] due = new long[n];
            long[] sent = new long[n];
            long[] latency = new long[n];
            Outcome[] outcomes = new Outcome[n];
            for (int i = 0; i < n; i++) {
                String line = r.readLine();
                String[] f = line == null ? new String[0] : line.split(" ");
                if (f.length != 4) {
                    throw new IllegalArgumentException(file + ":" + (i + 2) + ": expected 'due sent outcome latency' "
                            + "but was '" + line + "'");
                }
                try {
                    due[i] = Long.parseLong(f[0]);
                    sent[i] = Long.parseLong(f[1]);
                    outcomes[i] = Outcome.valueOf(f[2]);
                    latency[i] = Long.parseLong(f[3]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 2) + ": " + e.getMessage() + " in '" + line
                            + "'", e);
                }
            }
            return new LoadRecords(h[2], Double.parseDouble(h[3]), Long.parseLong(h[4]), due, sent, latency,
                    outcomes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
