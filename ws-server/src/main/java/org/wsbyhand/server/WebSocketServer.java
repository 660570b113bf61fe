package org.wsbyhand.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.handshake.ServerHandshake;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.PreparedMessage;

/**
 * A blocking WebSocket server: one virtual thread per accepted connection, handlers routed by exact
 * path, optional static files on the same port. Start one in a few lines:
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(9001)
 *         .route("/echo", new WebSocketHandler() {
 *             public void onText(Session session, String text) { session.sendText(text); }
 *         })
 *         .build();
 * server.start();
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()} once (later calls do nothing). Every
 * limit and timeout is in {@link ServerConfig}, with the defaults listed there.
 */
public final class WebSocketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);
    /** Pause after a failed accept, so that a persistent failure does not spin. */
    private static final long ACCEPT_BACKOFF_MILLIS = 50;
    /** Over-limit connections answered 503 at the same time at most; more are closed unanswered. */
    static final int MAX_REFUSING = 64;
    /** How long a 503 answer waits for the client's FIN. */
    private static final long REFUSAL_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ServerConfig config;
    private final ServerHandshake handshake;
    private final Counters counters = new Counters();
    private final Set<ConnectionLoop> loops = ConcurrentHashMap.newKeySet();
    private final ConnectionSlots slots;
    private final MemoryPool memory;
    private final BusyReaders busyReaders = new BusyReaders(BusyReaders.carriers());
    /** Over-limit connections being answered 503 right now (see {@link #refuse}). */
    private final AtomicInteger refusing = new AtomicInteger();
    private final AtomicLong connectionIds = new AtomicLong();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closing;
    private ServerSocket serverSocket;
    private IdleWatcher idleWatcher;
    private Thread acceptThread;
    private boolean started;

    /** Used by {@link #create(ServerConfig)} and {@link ServerBuilder#build()}. */
    WebSocketServer(ServerConfig config) {
        if (config.routes().isEmpty() && config.staticFiles().isEmpty()) {
            throw new IllegalArgumentException("a server needs at least one route or static files; "
                    + "with neither it would answer every request with 404");
        }
        this.config = config;
        this.slots = new ConnectionSlots(config.maxConnections(), config.maxConnectionsPerAddress());
        this.memory = new MemoryPool(config.memoryBudget(), config.maxConnections());
        this.handshake = Handshaker.serverHandshake(config.subprotocols(), config.compression());
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "ws-server-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * A builder with every default of {@link ServerConfig}.
     *
     * @return a new builder
     */
    public static ServerBuilder builder() {
        return new ServerBuilder();
    }

    /**
     * A server for an already validated configuration.
     *
     * @param config the configuration, e.g. from {@link ServerBuilder#config()}
     * @return a new server, not yet started
     * @throws IllegalArgumentException when the configuration has neither a route nor static files
     */
    public static WebSocketServer create(ServerConfig config) {
        return new WebSocketServer(Objects.requireNonNull(config, "config"));
    }

    /**
     * Binds the port and starts accepting; returns once the server is listening. The accept thread
     * is not a daemon, so the JVM keeps running until {@link #close()}: a {@code main} method may
     * start the server and return.
     *
     * <p>When binding fails, nothing has started and {@code start()} may be called again (for example
     * once the port is free).
     *
     * @throws java.net.BindException when the address cannot be bound (in use, not local, no
     *                                permission); the message names the address and port
     * @throws IOException            when the bind address cannot be resolved or the socket cannot be opened
     * @throws IllegalStateException  when the server is already listening, or has been closed
     */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (closing) {
                throw new IllegalStateException("server closed; build a new one to listen again");
            }
            if (started) {
                throw new IllegalStateException("server already started, listening on port " + port());
            }
            serverSocket = bind();
            started = true;
            idleWatcher = new IdleWatcher("ws-idle-" + port());
            idleWatcher.start();
            long sweep = sweepIntervalNanos(config);
            timer.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
            // A platform thread that is not a daemon: like any server, it keeps the JVM alive until close(),
            // so a main method may simply start the server and return. Connections get virtual threads.
            acceptThread = Thread.ofPlatform().daemon(false).name("ws-accept-" + port()).start(this::acceptLoop);
            log.info("WebSocket server listening on {} (routes {})", listeningOn(), config.routes().keySet());
        } finally {
            lifecycle.unlock();
        }
    }

    /** Opens and binds the listening socket; on failure nothing stays open and the error names the address. */
    private ServerSocket bind() throws IOException {
        String where = scheme() + hostAndPort(config.bindAddress(), config.port());
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port());
        } catch (UnknownHostException e) {
            UnknownHostException named = new UnknownHostException(
                    "cannot listen on " + where + ": unknown bind address " + config.bindAddress());
            named.initCause(e);
            throw named;
        }
        // Plain TCP goes through channels, so that idle sessions can wait on a selector
        // (IdleWatcher); TLS sockets have no channel and keep their thread.
        ServerSocket socket = config.tls().isPresent()
                ? config.tls().get().getServerSocketFactory().createServerSocket()
                : ServerSocketChannel.open().socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(address, config.backlog());
            return socket;
        } catch (IOException e) {
            socket.close();
            if (!(e instanceof BindException)) {
                throw new IOException("cannot listen on " + where + ": " + e, e);
            }
            BindException named = new BindException("cannot listen on " + where + ": " + e.getMessage());
            named.initCause(e); // BindException has no constructor that takes a cause
            throw named;
        }
    }

    /**
     * Where the server listens, as a URL a client on this machine can use: {@code ws://localhost:9000 (all
     * interfaces)} for a wildcard bind rather than {@code ws://0:0:0:0:0:0:0:0:9000}.
     */
    private String listeningOn() {
        InetAddress address = serverSocket.getInetAddress();
        return address.isAnyLocalAddress()
                ? scheme() + "localhost:" + serverSocket.getLocalPort() + " (all interfaces)"
                : scheme() + hostAndPort(address.getHostAddress(), serverSocket.getLocalPort());
    }

    private String scheme() {
        return config.tls().isPresent() ? "wss://" : "ws://";
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    private static String hostAndPort(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Accepts until closed. Nothing a client does can end this thread: every failure, an
     * {@link Error} included, is logged and followed by a short pause (out of file descriptors, the
     * next accept would fail at once again), and accepting goes on.
     */
    private void acceptLoop() {
        while (!closing) {
            try {
                acceptOne();
            } catch (Throwable e) {
                if (closing) {
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
                    if (closing) {
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
        ConnectionLoop loop = null;
        try {
            loop = new ConnectionLoop(this, socket, connectionIds.incrementAndGet(), new SessionMemory(memory));
            loops.add(loop);
            Thread.ofVirtual().name("ws-connection-" + loop.id()).start(loop);
        } catch (Throwable e) {
            if (loop != null) {
                loops.remove(loop);
            }
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
        counters.connectionsRefused.increment();
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

    /**
     * The bound port (the ephemeral one when configured with port 0).
     *
     * @return the local TCP port the server listens on
     * @throws IllegalStateException if the server has not been started
     */
    public int port() {
        ServerSocket socket = serverSocket;
        if (socket == null) {
            throw new IllegalStateException("server not started");
        }
        return socket.getLocalPort();
    }

    /**
     * The configuration this server runs with.
     *
     * @return the server's configuration
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * A snapshot of the counters.
     *
     * @return the counters as they are now
     */
    public ServerStats stats() {
        long held = 0;
        for (ConnectionLoop loop : loops) {
            held += loop.memoryHeld();
        }
        return counters.snapshot(slots.open(), new ServerStats.Memory(memory.budget(), held, memory.share(),
                counters.memoryRefusals.sum()));
    }

    /**
     * The sessions open now (a snapshot; sessions may close at any time).
     *
     * @return the open sessions, as an unmodifiable snapshot
     */
    public Collection<Session> sessions() {
        List<Session> open = new ArrayList<>();
        for (ConnectionLoop loop : loops) {
            Session session = loop.listedSession();
            if (session != null) {
                open.add(session);
            }
        }
        return List.copyOf(open);
    }

    /**
     * Sends one message, encoded once, to every open session (of any route). A session that cannot
     * take it (closed, or over its outbound bound) is skipped and never slows the others.
     *
     * @param message the message to send, prepared once for every session
     * @return the number of sessions the message was queued for
     */
    public int broadcast(PreparedMessage message) {
        int sent = 0;
        for (ConnectionLoop loop : loops) {
            Session session = loop.listedSession();
            if (session != null && session.send(message)) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Graceful shutdown: stops accepting, sends 1001 Going Away to every session, waits up to
     * {@link ServerConfig#closeTimeout()} for their closing handshakes, then closes whatever sockets
     * remain. Returns when every connection thread has finished (a handler callback that stays
     * blocked after its socket closed is interrupted, and waited for one more close timeout).
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            if (serverSocket != null) {
                try {
                    serverSocket.close();
                } catch (IOException e) {
                    log.debug("closing the listening socket: {}", e.toString());
                }
            }
            if (acceptThread != null) {
                joinQuietly(acceptThread, Duration.ofSeconds(5).toNanos());
            }
            List<ConnectionLoop> open = new ArrayList<>(loops);
            open.forEach(ConnectionLoop::goingAway);
            long closeTimeout = config.closeTimeout().toNanos();
            if (!joinAll(closeTimeout)) {
                log.info("{} connections did not finish their closing handshake within {}, dropping them",
                        loops.size(), config.closeTimeout());
                for (ConnectionLoop loop : loops) {
                    loop.abort();
                    Thread thread = loop.thread();
                    if (thread != null) {
                        thread.interrupt();
                    }
                }
                if (!joinAll(closeTimeout)) {
                    log.warn("{} connection threads still running after shutdown (blocked handlers?)", loops.size());
                }
            }
            timer.shutdownNow();
            if (idleWatcher != null) {
                idleWatcher.close();
            }
            log.info("WebSocket server on port {} closed", serverSocket == null ? -1 : serverSocket.getLocalPort());
        } finally {
            lifecycle.unlock();
        }
    }

    /** Waits until every connection has finished (threads come and go as idle sessions resume). */
    private boolean joinAll(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (!loops.isEmpty()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(5))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean joinQuietly(Thread thread, long nanos) {
        try {
            return thread.join(Duration.ofNanos(Math.max(1, nanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- for ConnectionLoop ----

    ServerHandshake handshake() {
        return handshake;
    }

    Counters counters() {
        return counters;
    }

    boolean isClosing() {
        return closing;
    }

    /** A connection finished: its slot is free. Called once per connection. */
    void loopFinished(ConnectionLoop loop) {
        if (loops.remove(loop)) {
            slots.give(loop.remoteAddress().getAddress());
        }
    }

    /** The turns of readers that never wait for bytes (see {@link BusyReaders}). */
    BusyReaders busyReaders() {
        return busyReaders;
    }

    /** Where sessions wait without a thread (see {@link ServerConfig#threadRelease()}). */
    IdleWatcher idleWatcher() {
        return idleWatcher;
    }

    /**
     * How often the timer checks every session's deadlines: a quarter of the shortest timeout in
     * use, between 10 ms and 1 s, so a deadline is met to within a quarter of its length (or a
     * second) while 10,000 sessions cost one pass over a set per second.
     */
    static long sweepIntervalNanos(ServerConfig config) {
        long shortest = Math.min(config.closeTimeout().toNanos(),
                Math.min(config.handshakeTimeout().toNanos(), config.responseTimeout().toNanos()));
        if (config.idleTimeout().toNanos() > 0) {
            shortest = Math.min(shortest, config.idleTimeout().toNanos());
        }
        if (config.pingInterval().toNanos() > 0) {
            shortest = Math.min(shortest, Math.min(config.pingInterval().toNanos(), config.pongTimeout().toNanos()));
        }
        return Math.clamp(shortest / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
    }

    /** One pass of the timer over every connection (see {@link ConnectionLoop#checkTimers(long)}). */
    private void sweep() {
        // An exception escaping a scheduled task would cancel every later run: nothing may escape.
        try {
            long now = System.nanoTime();
            for (ConnectionLoop loop : loops) {
                try {
                    loop.checkTimers(now);
                } catch (Throwable e) {
                    log.warn("connection {}: timer check failed", loop.id(), e);
                }
            }
        } catch (Throwable e) {
            try {
                log.error("timer sweep failed", e);
            } catch (Throwable ignored) {
                // out of memory: the next sweep tries again
            }
        }
    }
}
