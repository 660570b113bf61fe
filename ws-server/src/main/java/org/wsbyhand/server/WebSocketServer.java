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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.handshake.ServerHandshake;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.core.CoreSession;

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

    private final ServerConfig config;
    private final ServerHandshake handshake;
    private final RouteTable routes;
    private final OriginPolicy origins;
    private final Counters counters = new Counters();
    private final OpenConnections loops = new OpenConnections();
    private final ConnectionSlots slots;
    private final MemoryPool memory;
    private final BusyReaders busyReaders = new BusyReaders(BusyReaders.carriers());
    private final AtomicLong connectionIds = new AtomicLong();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final DeadlineSweep sweep;
    private final Observers observers;
    private volatile boolean closing;
    private ServerSocket serverSocket;
    private IdleWatcher idleWatcher;
    private volatile CarrierLoops carrierLoops;
    private Acceptor acceptor;
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
        this.routes = RouteTable.compile(config.routes());
        this.origins = new OriginPolicy(config.allowedOrigins(), config.allowAnyOrigin(), config.tls().isPresent());
        this.sweep = new DeadlineSweep(loops);
        this.observers = new Observers(config.listeners());
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
            try {
                carrierLoops = CarrierLoops.start(config.carrierLoops(), "ws-" + port());
            } catch (IOException | RuntimeException e) {
                idleWatcher.close();
                serverSocket.close();
                started = false;
                throw e;
            }
            sweep.start(config);
            // The accept thread is not a daemon: it keeps the JVM alive until close() (see Acceptor.start).
            acceptor = new Acceptor(this, serverSocket, slots);
            acceptor.start("ws-accept-" + port());
            log.info("WebSocket server listening on {} (routes {})", listeningOn(), config.routes().keySet());
        } finally {
            lifecycle.unlock();
        }
        observers.started(this);
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
     * The server that runs a session, for a handler that was built before its server existed (it
     * gets the session in every callback): {@code WebSocketServer.of(session).ifPresent(s ->
     * s.broadcast(...))}.
     *
     * @param session a session a server of this library opened
     * @return its server, or empty for a session opened otherwise (a client's, a test double)
     */
    public static Optional<WebSocketServer> of(Session session) {
        return session instanceof CoreSession core && core.opener() instanceof WebSocketServer server
                ? Optional.of(server) : Optional.empty();
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
            if (acceptor != null) {
                acceptor.join(Duration.ofSeconds(5));
            }
            Shutdown.endConnections(loops, config.closeTimeout());
            sweep.stop();
            if (idleWatcher != null) {
                idleWatcher.close();
            }
            if (carrierLoops != null) {
                carrierLoops.close();
            }
            log.info("WebSocket server on port {} closed", serverSocket == null ? -1 : serverSocket.getLocalPort());
        } finally {
            lifecycle.unlock();
        }
    }

    // ---- for Acceptor ----

    /**
     * Runs an admitted connection on a virtual thread of its own. On failure the connection is not
     * listed, and the caller gives back its slot and closes the socket.
     */
    void startConnection(Socket socket) {
        ConnectionLoop loop = null;
        try {
            // wss:// sessions block in SSLSocket, which only the JDK's poller can wake: they keep its scheduler.
            CarrierLoops carriers = socket instanceof SSLSocket ? null : carrierLoops;
            CarrierLoop carrier = carriers == null ? null : carriers.next();
            loop = new ConnectionLoop(this, socket, connectionIds.incrementAndGet(), new SessionMemory(memory), carrier);
            loops.add(loop);
            Thread.Builder.OfVirtual builder = carrier == null ? Thread.ofVirtual() : carriers.builder(carrier);
            builder.name("ws-connection-" + loop.id()).start(loop);
        } catch (Throwable e) {
            if (loop != null) {
                loops.remove(loop);
            }
            throw e;
        }
    }

    // ---- for ConnectionLoop (and Acceptor: isClosing, counters) ----

    ServerHandshake handshake() {
        return handshake;
    }

    RouteTable routes() {
        return routes;
    }

    OriginPolicy origins() {
        return origins;
    }

    Counters counters() {
        return counters;
    }

    /** Where the hook points report (JFR events and listeners). */
    Observers observers() {
        return observers;
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

    /** The carrier loops that run ws:// connections, or null (the JDK's scheduler). */
    CarrierLoops carrierLoops() {
        return carrierLoops;
    }

    /** Where sessions wait without a thread (see {@link ServerConfig#threadRelease()}). */
    IdleWatcher idleWatcher() {
        return idleWatcher;
    }
}
