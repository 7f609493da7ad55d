package io.lvs4j.keepalived;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * What the tests that run a director on loopback share: line-echo real servers, clients, free ports, and closing
 * everything a test opened, last first. Public for the tests in lvs-examples that drive the lvs4j command (through
 * this module's test jar).
 */
public abstract class LoopbackTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** Closes {@code c} after the test. */
    protected <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    /** A TCP real server that answers each line with its name and the line. */
    public static final class Echo implements AutoCloseable {
        final String name;
        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();

        public Echo(String name) throws IOException {
            this.name = name;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "echo-" + name);
            t.setDaemon(true);
            t.start();
        }

        public int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s), "echo-" + name + "-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8)); OutputStream out = s.getOutputStream()) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write((name + ":" + line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** A client connection through the director. */
    public static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final PrintWriter out;

        public Client(int port) throws IOException {
            this(InetAddress.getLoopbackAddress(), port);
        }

        public Client(InetAddress address, int port) throws IOException {
            this(address, port, null);
        }

        public Client(InetAddress address, int port, InetAddress from) throws IOException {
            socket = new Socket();
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(address, port), 5000);
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        public String ask(String line) throws IOException {
            out.println(line);
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
