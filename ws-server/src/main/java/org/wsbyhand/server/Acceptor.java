package org.wsbyhand.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept thread of a {@link WebSocketServer}: accepts on the bound listening socket, takes a
 * {@link ConnectionSlots} slot for each connection and hands it to the server, or answers it 503
 * when the server or its address is full.
 *
 * <p>It uses the server only through {@link WebSocketServer#isClosing()},
 * {@link WebSocketServer#counters()} and {@link WebSocketServer#startConnection(Socket)}. The
 * server owns the listening socket: closing it (after {@code isClosing()} became true) ends the
 * accept thread, which {@link #join(Duration)} then waits for.
 */
final class Acceptor {
    // The server's logger, so that these lines are logged under the same name as before the split.
    private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);
    /** Pause after a failed accept, so that a persistent failure does not spin. */
    private static final long ACCEPT_BACKOFF_MILLIS = 50;
    /** Over-limit connections answered 503 at the same time at most; more are closed unanswered. */
    static final int MAX_REFUSING = 64;
    /** How long a 503 answer waits for the client's FIN. */
    private static final long REFUSAL_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final WebSocketServer server;
    private final ServerSocket serverSocket;
    private final ConnectionSlots slots;
    /** Over-limit connections being answered 503 right now (see {@link #refuse}). */
    private final AtomicInteger refusing = new AtomicInteger();
    private Thread thread;

    /**
     * An acceptor for {@code server}, not yet started.
     *
     * @param server       the server whose connections these are
     * @param serverSocket the bound listening socket, owned (and closed) by the server
     * @param slots        the server's connection slots; a slot taken here is given back by the
     *                     server when its connection finishes, or here when it cannot be started
     */
    Acceptor(WebSocketServer server, ServerSocket serverSocket, ConnectionSlots slots) {
        this.server = server;
        this.serverSocket = serverSocket;
        this.slots = slots;
    }

    /**
     * Starts the accept thread. A platform thread that is not a daemon: like any server, it keeps the
     * JVM alive until the server is closed, so a main method may simply start the server and return.
     * Connections get virtual threads. Called once.
     */
    void start(String name) {
        thread = Thread.ofPlatform().daemon(false).name(name).start(this::acceptLoop);
    }

    /**
     * Waits up to {@code timeout} for the accept thread to end (once the server is closing and the
     * listening socket closed); an interrupt ends the wait and stays set.
     */
    void join(Duration timeout) {
        Thread accepting = thread;
        if (accepting == null) {
            return;
        }
        try {
            accepting.join(Duration.ofNanos(Math.max(1, timeout.toNanos())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Accepts until closed. Nothing a client does can end this thread: every failure, an
     * {@link Error} included, is logged and followed by a short pause (out of file descriptors, the
     * next accept would fail at once again), and accepting goes on.
     */
    private void acceptLoop() {
        while (!server.isClosing()) {
            try {
                acceptOne();
            } catch (Throwable e) {
                if (server.isClosing()) {
                    return;
                }
                try {
                    log.warn("accept failed: {}", e.toString());
                } catch (Throwable ignored) {
                    // Even logging can fail (out of memory): go on without it.
                }
                try {
                    Thread.sleep(ACCEPT_BACKOFF_MILLIS);
                } catch (InterruptedException interrupted) {
                    if (server.isClosing()) {
                        return;
                    }
                }
            }
        }
    }

    private void acceptOne() throws IOException {
        Socket socket = serverSocket.accept();
        if (!(socket.getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
            socket.close(); // closed by the peer already
            return;
        }
        ConnectionSlots.Admission admission = slots.tryTake(remote.getAddress());
        if (admission != ConnectionSlots.Admission.ADMITTED) {
            refuse(socket, admission);
            return;
        }
        try {
            server.startConnection(socket);
        } catch (Throwable e) {
            slots.give(remote.getAddress());
            socket.close();
            throw e;
        }
    }

    /**
     * A connection over {@link ServerConfig#maxConnections()} or its address's limit: answered 503
     * on a short-lived thread while at most {@value #MAX_REFUSING} such answers are under way (so a
     * flood of connections cannot make threads without bound), else closed at once.
     */
    private void refuse(Socket socket, ConnectionSlots.Admission admission) throws IOException {
        server.counters().connectionsRefused.increment();
        log.debug("connection from {} refused: {}", socket.getRemoteSocketAddress(), admission);
        if (refusing.incrementAndGet() > MAX_REFUSING) {
            refusing.decrementAndGet();
            socket.close();
            return;
        }
        String reason = admission == ConnectionSlots.Admission.SERVER_FULL ? "too many connections"
                : "too many connections from your address";
        try {
            Thread.ofVirtual().name("ws-refuse").start(() -> {
                try (socket) {
                    HttpResponses.error(socket.getOutputStream(), 503, reason, Map.of("Retry-After", "1"), true);
                    Linger.shutdown(socket, REFUSAL_LINGER_NANOS, 64 * 1024);
                } catch (IOException e) {
                    // The client went away; nothing to answer.
                } finally {
                    refusing.decrementAndGet();
                }
            });
        } catch (Throwable e) {
            refusing.decrementAndGet();
            socket.close();
            throw e;
        }
    }
}
