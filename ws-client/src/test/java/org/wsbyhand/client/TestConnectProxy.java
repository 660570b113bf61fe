package org.wsbyhand.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, real HTTP CONNECT proxy on 127.0.0.1 for tests: a virtual thread per connection reads
 * the request head (at most {@value #MAX_HEAD_BYTES} bytes, byte by byte so that nothing behind
 * it is taken), connects to the target and relays bytes both ways, a thread per direction.
 *
 * <p>It can require Basic credentials (answering 407 with {@code Proxy-Authenticate: Basic
 * realm="test"} to requests without the right ones) or answer every CONNECT with a fixed status
 * and a short body. It records the targets asked for, the {@code Proxy-Authorization} values it
 * saw and how many tunnels it opened. {@link #close()} closes every socket and waits for every
 * thread, so a test leaks none.
 */
final class TestConnectProxy implements AutoCloseable {
    static final int MAX_HEAD_BYTES = 8192;
    /** The body of a fixed-status answer. */
    static final String REFUSAL_BODY = "refused by the test proxy";

    private final ServerSocket server;
    private final String expectedAuthorization;
    private final int fixedStatus;
    private final AtomicInteger tunnels = new AtomicInteger();
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private TestConnectProxy(String expectedAuthorization, int fixedStatus) throws IOException {
        this.expectedAuthorization = expectedAuthorization;
        this.fixedStatus = fixedStatus;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("test-proxy-acceptor").unstarted(this::acceptLoop);
        acceptor.start();
    }

    /** A proxy that tunnels every CONNECT, without credentials. */
    static TestConnectProxy open() throws IOException {
        return new TestConnectProxy(null, 0);
    }

    /** A proxy that tunnels only CONNECTs with these Basic credentials and answers 407 to the others. */
    static TestConnectProxy requiringCredentials(String user, String password) throws IOException {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new TestConnectProxy("Basic " + token, 0);
    }

    /** A proxy that answers every CONNECT with this status and {@link #REFUSAL_BODY}, then closes. */
    static TestConnectProxy answering(int status) throws IOException {
        return new TestConnectProxy(null, status);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Settings that point at this proxy, without credentials. */
    ProxySettings settings() {
        return ProxySettings.of("127.0.0.1", port());
    }

    /** The number of CONNECTs answered with 200. */
    int tunnelsOpened() {
        return tunnels.get();
    }

    /** The request targets of every CONNECT received, in order. */
    List<String> connectTargets() {
        return List.copyOf(targets);
    }

    /** Every {@code Proxy-Authorization} value received, in order; requests without one add nothing. */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!register(client)) {
                return;
            }
            start("test-proxy-connection", () -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket target = null;
        try {
            client.setSoTimeout(30_000);
            String head = readHead(client.getInputStream());
            if (head == null) {
                answer(client, 400, "");
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ", -1);
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                answer(client, 400, "");
                return;
            }
            if (!requestLine[0].equals("CONNECT")) {
                answer(client, 405, "");
                return;
            }
            String authority = requestLine[1];
            targets.add(authority);
            String authorization = null;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).equalsIgnoreCase("Proxy-Authorization")) {
                    authorization = lines[i].substring(colon + 1).strip();
                    authorizations.add(authorization);
                }
            }
            if (fixedStatus != 0) {
                answer(client, fixedStatus, "");
                return;
            }
            if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                answer(client, 407, "Proxy-Authenticate: Basic realm=\"test\"\r\n");
                return;
            }
            int colon = authority.lastIndexOf(':');
            String host = authority.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(authority.substring(colon + 1));
            target = new Socket();
            if (!register(target)) {
                return;
            }
            try {
                target.connect(new InetSocketAddress(host, port), 5_000);
            } catch (IOException e) {
                answer(client, 502, "");
                return;
            }
            client.setSoTimeout(0);
            tunnels.incrementAndGet();
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Socket upstreamSocket = target;
            Thread upstream = start("test-proxy-upstream", () -> relay(client, upstreamSocket));
            relay(upstreamSocket, client);
            upstream.join();
        } catch (IOException | RuntimeException e) {
            // A broken or closed connection, or a request this proxy does not understand: drop it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    /**
     * Copies until end of stream, then half-closes the other way; on an error closes both, so the
     * thread of the other direction stops too.
     */
    private static void relay(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The head up to and including the empty line, or null at end of stream or beyond the limit. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = switch (matched) {
                case 0, 2 -> b == '\r' ? matched + 1 : 0;
                case 1, 3 -> b == '\n' ? matched + 1 : b == '\r' ? 1 : 0;
                default -> throw new IllegalStateException();
            };
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void answer(Socket client, int status, String extraHeaders) throws IOException {
        byte[] body = REFUSAL_BODY.getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n" + extraHeaders
                + "Content-Type: text/plain\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 502 -> "Bad Gateway";
            default -> "Status " + status;
        };
    }

    /** Tracks a socket; false (and the socket closed) if the proxy is closing already. */
    private boolean register(Socket socket) {
        sockets.add(socket);
        if (closed) {
            closeQuietly(socket);
            return false;
        }
        return true;
    }

    private Thread start(String name, Runnable task) {
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                task.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /**
     * Stops accepting, closes every socket and waits for every thread.
     *
     * @throws IllegalStateException if a thread is still running after 10 seconds
     */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        join(acceptor, deadline);
        // The acceptor is done, so only a connection's thread can still start one (its relay),
        // and it stays in the set until it ends: once the set is empty, no thread is left.
        while (!threads.isEmpty()) {
            sockets.forEach(TestConnectProxy::closeQuietly);
            for (Thread thread : List.copyOf(threads)) {
                join(thread, deadline);
            }
        }
        sockets.forEach(TestConnectProxy::closeQuietly);
    }

    private static void join(Thread thread, long deadline) {
        long left = deadline - System.nanoTime();
        try {
            if (left > 0) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the test proxy", e);
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("a test proxy thread is still running: " + thread);
        }
    }
}
