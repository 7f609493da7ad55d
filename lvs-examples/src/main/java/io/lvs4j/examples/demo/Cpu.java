package io.lvs4j.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from {@code /proc/PID/stat} (Linux): user + system, in clock ticks. */
final class Cpu {

    /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every mainstream Linux architecture. */
    static final int TICKS_PER_SECOND = 100;

    private Cpu() {
    }

    /** User + system ticks of {@code pid}, or -1 when there is no such process or no {@code /proc}. */
    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) may hold spaces and parentheses; the fields after the last ')' are plain
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 (utime) and 15 (stime)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU use between two readings over {@code seconds}, in percent of one core; -1 when unknown. */
    static double percent(long before, long after, double seconds) {
        if (before < 0 || after < 0 || seconds <= 0) {
            return -1;
        }
        return 100.0 * (after - before) / TICKS_PER_SECOND / seconds;
    }
}
