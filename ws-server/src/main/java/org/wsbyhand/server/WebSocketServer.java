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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.handshake.ServerHandshake;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
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

    private WebSocketServer(ServerConfig config) {
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
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A server for an already validated configuration.
     *
     * @param config the configuration, e.g. from {@link Builder#config()}
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
                counters.session.memoryRefusals.sum()));
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

    /**
     * Collects the settings of a {@link WebSocketServer}; {@link #build()} validates them. Every
     * setting has the default documented in {@link ServerConfig}.
     */
    public static final class Builder {
        private String bindAddress = ServerConfig.DEFAULT_BIND_ADDRESS;
        private int port = ServerConfig.DEFAULT_PORT;
        private int backlog = ServerConfig.DEFAULT_BACKLOG;
        private final Map<String, WebSocketHandler> routes = new LinkedHashMap<>();
        private List<String> subprotocols = List.of();
        private Set<String> allowedOrigins = Set.of();
        private UpgradeHook upgradeHook = UpgradeHook.ACCEPT_ALL;
        private StaticFiles staticFiles;
        private Limits limits = Limits.defaults();
        private long maxOutboundBytes = ServerConfig.DEFAULT_MAX_OUTBOUND_BYTES;
        private long memoryBudget;
        private int maxConnections = ServerConfig.DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private Duration handshakeTimeout = ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration responseTimeout = ServerConfig.DEFAULT_RESPONSE_TIMEOUT;
        private Duration idleTimeout = ServerConfig.DEFAULT_IDLE_TIMEOUT;
        private Duration pingInterval = ServerConfig.DEFAULT_PING_INTERVAL;
        private Duration threadRelease = ServerConfig.DEFAULT_THREAD_RELEASE;
        private Duration pongTimeout = ServerConfig.DEFAULT_PONG_TIMEOUT;
        private Duration closeTimeout = ServerConfig.DEFAULT_CLOSE_TIMEOUT;
        private SSLContext tls;
        private boolean compression = true;
        private DeflateOptions deflateOptions = DeflateOptions.defaults();

        private Builder() {}

        /**
         * The address to listen on, e.g. {@code "127.0.0.1"} (default {@code 0.0.0.0}).
         *
         * @param address the host name or IP address of the local interface to bind
         * @return this builder
         */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The TCP port (default 8080); 0 binds an ephemeral port, see {@link WebSocketServer#port()}.
         *
         * @param port the TCP port, or 0 for an ephemeral one
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The kernel accept queue length (default 1024).
         *
         * @param backlog the length of the kernel's queue of connections not yet accepted
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /**
         * Serves WebSocket upgrades of requests whose path is exactly {@code path} with {@code handler}.
         *
         * @param path the exact request path, e.g. {@code "/chat"}
         * @param handler receives the events of every session upgraded on that path
         * @return this builder
         */
        public Builder route(String path, WebSocketHandler handler) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(handler, "handler");
            if (routes.putIfAbsent(path, handler) != null) {
                throw new IllegalArgumentException("route registered twice: " + path);
            }
            return this;
        }

        /**
         * The subprotocols the server speaks, most preferred first (default none).
         *
         * @param subprotocols the subprotocol names, most preferred first
         * @return this builder
         */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = List.of(subprotocols);
            return this;
        }

        /**
         * The {@code Origin} values (e.g. {@code "https://chat.example"}) allowed to upgrade,
         * compared case-insensitively; an upgrade with another Origin gets 403. Requests without
         * Origin (non-browser clients) are not affected. Default: every origin.
         *
         * @param origins the allowed {@code Origin} header values
         * @return this builder
         */
        public Builder allowedOrigins(String... origins) {
            this.allowedOrigins = new LinkedHashSet<>(List.of(origins));
            return this;
        }

        /**
         * Decides on each upgrade after the protocol checks (default accepts all).
         *
         * @param hook called for each upgrade request that passed the protocol checks
         * @return this builder
         */
        public Builder upgradeHook(UpgradeHook hook) {
            this.upgradeHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Files served to plain GET and HEAD requests (default none: 404).
         *
         * @param files the files to serve
         * @return this builder
         */
        public Builder staticFiles(StaticFiles files) {
            this.staticFiles = Objects.requireNonNull(files, "files");
            return this;
        }

        /**
         * All protocol limits at once (default {@link Limits#defaults()}).
         *
         * @param limits the frame, message and head size limits
         * @return this builder
         */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * The largest frame payload accepted (default 1 MiB); larger frames fail with 1009.
         *
         * @param bytes the largest frame payload, in bytes
         * @return this builder
         */
        public Builder maxFrameSize(int bytes) {
            this.limits = limits.withMaxFrameSize(bytes);
            return this;
        }

        /**
         * The largest message accepted (default 1 MiB); larger messages fail with 1009.
         *
         * @param bytes the largest message, in bytes
         * @return this builder
         */
        public Builder maxMessageSize(int bytes) {
            this.limits = limits.withMaxMessageSize(bytes);
            return this;
        }

        /**
         * The largest HTTP request head (default 8 KiB); larger heads get 431.
         *
         * @param bytes the largest request head, in bytes
         * @return this builder
         */
        public Builder maxHeadSize(int bytes) {
            this.limits = limits.withMaxHeadSize(bytes);
            return this;
        }

        /**
         * The most unsent bytes a session may hold (default 4 MiB); over it the session closes with 1008.
         *
         * @param bytes the most unsent bytes per session
         * @return this builder
         */
        public Builder maxOutboundBytes(long bytes) {
            this.maxOutboundBytes = bytes;
            return this;
        }

        /**
         * The most bytes held on behalf of all clients together: message reassembly and inflation,
         * grown read buffers, unsent bytes (default {@link ServerConfig#defaultMemoryBudget()}, a
         * quarter of the maximum heap). Half is promised in equal shares per connection; a message
         * or session that needs more than its share when the other half is used up ends with 1013.
         *
         * @param bytes the budget shared by all connections, in bytes
         * @return this builder
         */
        public Builder memoryBudget(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memoryBudget must be positive, was " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /**
         * The most open connections of any kind: TLS or HTTP head in progress, plain HTTP answers,
         * WebSocket sessions (default 10,000). One more is answered 503 and closed.
         *
         * @param connections the most open connections
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        /**
         * The most open connections from one client IP address, answered 503 beyond it (default 0:
         * no limit; leave it off behind a proxy or NAT, where clients share an address).
         *
         * @param connections the most open connections per client address, or 0 for no limit
         * @return this builder
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = connections;
            return this;
        }

        /**
         * Time for a client to complete TLS and send its request head (default 10 s).
         *
         * @param timeout the time allowed for TLS and the request head
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Time to write a plain HTTP answer (a static file, an error) to a client that reads slowly
         * or not at all; it is dropped after that (default 30 s).
         *
         * @param timeout the time allowed to write a plain HTTP answer
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout;
            return this;
        }

        /**
         * Close a session that receives nothing for this long with 1001 (default 5 min; zero disables).
         *
         * @param timeout the idle time after which a session is closed, or zero to keep idle sessions open
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Ping a session that received nothing for this long (default 30 s; zero disables).
         *
         * @param interval the quiet time after which a session is pinged, or zero to never ping
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = interval;
            return this;
        }

        /**
         * Let a session that has received nothing for this long, with nothing to send, give back its
         * virtual thread and read buffer until bytes arrive or something is sent to it (default
         * 500 ms; zero disables). Idle sessions then cost a selector key instead of a parked thread.
         *
         * @param delay the quiet time after which a session gives back its thread, or zero to keep it
         * @return this builder
         */
        public Builder threadRelease(Duration delay) {
            this.threadRelease = delay;
            return this;
        }

        /**
         * Fail a pinged session with 1011 when nothing arrives for this long (default 10 s).
         *
         * @param timeout the time to wait for anything from a pinged session
         * @return this builder
         */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = timeout;
            return this;
        }

        /**
         * Wait this long for the peer's close frame, and for sessions at shutdown (default 5 s).
         *
         * @param timeout the time to wait for a close frame, and for sessions at shutdown
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Serve wss:// with this TLS context (default plain ws://).
         *
         * @param context the TLS context that creates the server's engines
         * @return this builder
         */
        public Builder tls(SSLContext context) {
            this.tls = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Whether to negotiate permessage-deflate (RFC 7692) with clients that offer it (default
         * on; browsers offer it). Clients that do not offer it are served uncompressed either way.
         *
         * @param enabled {@code true} to negotiate permessage-deflate
         * @return this builder
         */
        public Builder compression(boolean enabled) {
            this.compression = enabled;
            return this;
        }

        /**
         * Turns compression on with these options (level, minimum size, no-context-takeover).
         *
         * @param options the compression options
         * @return this builder
         */
        public Builder compression(DeflateOptions options) {
            this.deflateOptions = Objects.requireNonNull(options, "options");
            this.compression = true;
            return this;
        }

        /**
         * The zlib level, 0-9 or -1 for zlib's default (default 6).
         *
         * @param level the zlib compression level, 0-9, or -1
         * @return this builder
         */
        public Builder compressionLevel(int level) {
            this.deflateOptions = deflateOptions.withCompressionLevel(level);
            return this;
        }

        /**
         * Messages shorter than this are sent uncompressed (default 32 bytes).
         *
         * @param bytes the smallest message size that is compressed
         * @return this builder
         */
        public Builder compressionMinSize(int bytes) {
            this.deflateOptions = deflateOptions.withMinMessageSize(bytes);
            return this;
        }

        /**
         * Whether to ask every client for no context takeover in both directions (default false):
         * each message is then compressed on its own and a session holds no zlib memory between
         * messages (instead of about 300 KiB), at the price of compression on small messages.
         *
         * @param enabled {@code true} to ask for no context takeover in both directions
         * @return this builder
         */
        public Builder compressionNoContextTakeover(boolean enabled) {
            this.deflateOptions = deflateOptions.withServerNoContextTakeover(enabled).withClientNoContextTakeover(enabled);
            return this;
        }

        /**
         * The largest LZ77 window the server compresses with, 8-15 bits (default 15, a 32 KiB
         * window). Below 15 every session compresses with the pure-Java
         * {@link org.wsbyhand.protocol.deflate.DeflateCompressor} and keeps its context between
         * messages in far less memory than zlib's ~260 KiB (about 16 KiB of heap at 10 bits); the server
         * states {@code server_max_window_bits} with this value in every response (RFC 7692 7.1.2.1
         * allows it unasked), and a client that asks for a smaller window gets it.
         *
         * @param bits the window size in bits, 8 to 15
         * @return this builder
         */
        public Builder compressionWindowBits(int bits) {
            this.deflateOptions = deflateOptions.withServerMaxWindowBits(bits);
            return this;
        }

        /**
         * The validated configuration.
         *
         * @return the configuration built from this builder's settings
         * @throws IllegalArgumentException on an invalid setting
         */
        public ServerConfig config() {
            return new ServerConfig(bindAddress, port, backlog, routes, subprotocols, allowedOrigins, upgradeHook,
                    Optional.ofNullable(staticFiles), limits, maxOutboundBytes,
                    memoryBudget > 0 ? memoryBudget : ServerConfig.defaultMemoryBudget(), maxConnections,
                    maxConnectionsPerAddress, handshakeTimeout, responseTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout, threadRelease, Optional.ofNullable(tls),
                    compression ? Optional.of(deflateOptions) : Optional.empty());
        }

        /**
         * A server with these settings, not yet started.
         *
         * @return a new server, not yet started
         * @throws IllegalArgumentException on an invalid setting, or when there is neither a route nor static files
         */
        public WebSocketServer build() {
            return new WebSocketServer(config());
        }
    }
}
