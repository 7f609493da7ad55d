package io.lvs4j.forward;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the limit tests measure: this process's open descriptors, and the WARN lines logged meanwhile. */
final class ResourceProbe {

    private ResourceProbe() {
    }

    /** Open file descriptors of this process (Linux's /proc/self/fd); -1 where there is no /proc. */
    static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /**
     * Copies System.err (where slf4j-simple logs) into a buffer while open, so that a test can count the WARN lines
     * its director logged.
     */
    static final class LogCapture implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        LogCapture() {
            OutputStream both = new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (copy) {
                        copy.write(b);
                    }
                    original.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (copy) {
                        copy.write(b, off, len);
                    }
                    original.write(b, off, len);
                }
            };
            System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
        }

        String text() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        long lines(String containing) {
            return text().lines().filter(l -> l.contains(containing)).count();
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
