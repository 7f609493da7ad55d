package io.lvs4j.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Loopback test servers, one thread per connection. Each stops itself when closed. */
final class Backends {

    private Backends() {
    }

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A free TCP port on loopback (bind and release). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server that hands each accepted socket to {@code handler} on its own thread. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-backend");
            t.setDaemon(true);
            return t;
        });

        Server(int backlog, Consumer<Socket> handler) throws IOException {
            socket = new ServerSocket(0, backlog, LOOPBACK);
            pool.execute(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.incrementAndGet();
                        int n = open.incrementAndGet();
                        maxOpen.accumulateAndGet(n, Math::max);
                        pool.execute(() -> {
                            try {
                                handler.accept(s);
                            } finally {
                                // counted closed before the close is sent, so that a director that sees it and
                                // admits the next client can never make this count exceed what it allows
                                open.decrementAndGet();
                                try {
                                    s.close();
                                } catch (IOException e) {
                                    // the peer went away
                                }
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, socket.getLocalPort());
        }

        /** Refuses new connections from now on; established ones continue. */
        void stopAccepting() throws IOException {
            socket.close();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Echoes every byte back until the client finishes, then finishes too. */
    static Server echo() throws IOException {
        return new Server(128, s -> {
            try {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[16384];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                s.shutdownOutput();
            } catch (SocketException e) {
                // reset by the peer
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
