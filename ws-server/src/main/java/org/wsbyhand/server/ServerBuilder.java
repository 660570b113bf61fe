package org.wsbyhand.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.wsbyhand.session.SessionSettings;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Collects the settings of a {@link WebSocketServer}; {@link #build()} validates them. The settings
 * every session has (limits, outbound bound, heartbeat, timeouts, compression) are those of
 * {@link SessionSettings}; the ones here are the server's own. Every setting has the default
 * documented in {@link ServerConfig}. Get one from {@link WebSocketServer#builder()}.
 */
public final class ServerBuilder extends SessionSettings<ServerBuilder> {
    private String bindAddress = ServerConfig.DEFAULT_BIND_ADDRESS;
    private int port = ServerConfig.DEFAULT_PORT;
    private int backlog = ServerConfig.DEFAULT_BACKLOG;
    private final Map<String, WebSocketHandler> routes = new LinkedHashMap<>();
    private List<String> subprotocols = List.of();
    private Set<String> allowedOrigins = Set.of();
    private boolean allowAnyOrigin;
    private UpgradeHook upgradeHook = UpgradeHook.ACCEPT_ALL;
    private StaticFiles staticFiles;
    private long memoryBudget;
    private int maxConnections = ServerConfig.DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private Duration handshakeTimeout = ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration responseTimeout = ServerConfig.DEFAULT_RESPONSE_TIMEOUT;
    private Duration keepAliveTimeout = ServerConfig.DEFAULT_KEEP_ALIVE_TIMEOUT;
    private int maxRequestsPerConnection = ServerConfig.DEFAULT_MAX_REQUESTS_PER_CONNECTION;
    private Duration threadRelease = ServerConfig.DEFAULT_THREAD_RELEASE;
    private int carrierLoops = ServerConfig.CARRIER_LOOPS_AUTO;
    private SSLContext tls;
    private final List<ServerListener> listeners = new ArrayList<>();

    ServerBuilder() {}

    @Override
    protected ServerBuilder self() {
        return this;
    }

    /**
     * The address to listen on, e.g. {@code "127.0.0.1"} (default {@code 0.0.0.0}).
     *
     * @param address the host name or IP address of the local interface to bind
     * @return this builder
     */
    public ServerBuilder bindAddress(String address) {
        this.bindAddress = Objects.requireNonNull(address, "address");
        return this;
    }

    /**
     * The TCP port (default 8080); 0 binds an ephemeral port, see {@link WebSocketServer#port()}.
     *
     * @param port the TCP port, or 0 for an ephemeral one
     * @return this builder
     */
    public ServerBuilder port(int port) {
        this.port = port;
        return this;
    }

    /**
     * The kernel accept queue length (default 1024).
     *
     * @param backlog the length of the kernel's queue of connections not yet accepted
     * @return this builder
     */
    public ServerBuilder backlog(int backlog) {
        this.backlog = backlog;
        return this;
    }

    /**
     * Serves WebSocket upgrades of requests on {@code route} with {@code handler}. A route is an
     * exact path ({@code /chat}), a template whose {@code {name}} segments match any one segment
     * ({@code /rooms/{id}}), or a prefix ending in {@code /*} ({@code /api/*}: {@code /api} and
     * everything below). The values are read with {@code request().pathVariable("id")} (a prefix's
     * rest under {@code "*"}). An exact route wins over a template, a template over a prefix, a
     * literal segment over a variable from left to right, a longer prefix over a shorter one. Routes
     * are given decoded and compared with each percent-decoded segment of the request's path; a
     * variable never matches an empty, {@code .} or {@code ..} segment. Two routes of the same shape
     * ({@code /rooms/{id}} and {@code /rooms/{name}}) are refused by {@link #build()}.
     *
     * @param path the route, e.g. {@code "/chat"}, {@code "/rooms/{id}"} or {@code "/api/*"}
     * @param handler receives the events of every session upgraded on that route
     * @return this builder
     */
    public ServerBuilder route(String path, WebSocketHandler handler) {
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
    public ServerBuilder subprotocols(String... subprotocols) {
        this.subprotocols = List.of(subprotocols);
        return this;
    }

    /**
     * Page origins allowed to open a WebSocket besides the server's own, e.g.
     * {@code "https://chat.example"}. By default only pages of the same origin as the request's
     * {@code Host} may upgrade (a {@code wss://} server also wants an {@code https} page); another
     * {@code Origin} gets 403. Requests without {@code Origin} (non-browser clients) always pass.
     *
     * @param origins the allowed origins, each {@code scheme://host[:port]}
     * @return this builder
     * @throws IllegalArgumentException for a value that is not an http(s) origin
     */
    public ServerBuilder allowedOrigins(String... origins) {
        List.of(origins).forEach(OriginPolicy::require);
        this.allowedOrigins = new LinkedHashSet<>(List.of(origins));
        return this;
    }

    /**
     * Lets pages of <em>every</em> origin open a WebSocket, turning off the defence against
     * cross-site WebSocket hijacking: any web page a user visits can then connect with the user's
     * cookies. Only for servers that authenticate each session by other means (a token in the
     * first message, not a cookie) or serve public data.
     *
     * @return this builder
     */
    public ServerBuilder allowAnyOrigin() {
        this.allowAnyOrigin = true;
        return this;
    }

    /**
     * Decides on each upgrade after the protocol checks (default accepts all).
     *
     * @param hook called for each upgrade request that passed the protocol checks
     * @return this builder
     */
    public ServerBuilder upgradeHook(UpgradeHook hook) {
        this.upgradeHook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Files served to plain GET and HEAD requests (default none: 404).
     *
     * @param files the files to serve
     * @return this builder
     */
    public ServerBuilder staticFiles(StaticFiles files) {
        this.staticFiles = Objects.requireNonNull(files, "files");
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
    public ServerBuilder memoryBudget(long bytes) {
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
    public ServerBuilder maxConnections(int connections) {
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
    public ServerBuilder maxConnectionsPerAddress(int connections) {
        this.maxConnectionsPerAddress = connections;
        return this;
    }

    /**
     * Time for a client to complete TLS and send its request head (default 10 s).
     *
     * @param timeout the time allowed for TLS and the request head
     * @return this builder
     */
    public ServerBuilder handshakeTimeout(Duration timeout) {
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
    public ServerBuilder responseTimeout(Duration timeout) {
        this.responseTimeout = timeout;
        return this;
    }

    /**
     * How long a plain HTTP connection (static files) may stay open waiting for its next request
     * (default 5 s; zero answers one request per connection). The client can send that request,
     * or a WebSocket upgrade, on the same connection; requests may be pipelined.
     *
     * @param timeout the idle time allowed between requests, or zero to close after each answer
     * @return this builder
     */
    public ServerBuilder keepAliveTimeout(Duration timeout) {
        this.keepAliveTimeout = timeout;
        return this;
    }

    /**
     * The most plain HTTP requests one connection may make (default 100); the answer to the last
     * one says {@code Connection: close}.
     *
     * @param requests the most requests per connection, at least 1
     * @return this builder
     */
    public ServerBuilder maxRequestsPerConnection(int requests) {
        this.maxRequestsPerConnection = requests;
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
    public ServerBuilder threadRelease(Duration delay) {
        this.threadRelease = delay;
        return this;
    }



    /**
     * How many carrier loops run the virtual threads of ws:// connections (default
     * {@link ServerConfig#CARRIER_LOOPS_AUTO}: one per processor, where {@code java.lang} is open to
     * ws-server; see {@link ServerConfig#carrierLoops()}). Zero always uses the JDK's scheduler.
     *
     * @param count -1 (auto), 0 (the JDK's scheduler) or the number of loops, at most
     *              {@value ServerConfig#MAX_CARRIER_LOOPS}
     * @return this builder
     */
    public ServerBuilder carrierLoops(int count) {
        this.carrierLoops = count;
        return this;
    }

    /**
     * Serve wss:// with this TLS context (default plain ws://).
     *
     * @param context the TLS context that creates the server's engines
     * @return this builder
     */
    public ServerBuilder tls(SSLContext context) {
        this.tls = Objects.requireNonNull(context, "context");
        return this;
    }






    /**
     * Adds a listener that hears handshakes, sessions opened and closed, slow consumers and protocol
     * violations (default none). May be called more than once: every listener is called, in the
     * order added.
     *
     * @param listener the listener to add
     * @return this builder
     */
    public ServerBuilder listener(ServerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
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
    public ServerBuilder compressionWindowBits(int bits) {
        deflateOptions(deflateOptions().withServerMaxWindowBits(bits));
        return this;
    }

    /**
     * The validated configuration.
     *
     * @return the configuration built from this builder's settings
     * @throws IllegalArgumentException on an invalid setting
     */
    public ServerConfig config() {
        return new ServerConfig(bindAddress, port, backlog, routes, subprotocols, allowedOrigins, allowAnyOrigin, upgradeHook,
                Optional.ofNullable(staticFiles), limits(), maxOutboundBytes(), overflowPolicy(),
                memoryBudget > 0 ? memoryBudget : ServerConfig.defaultMemoryBudget(), maxConnections,
                maxConnectionsPerAddress, handshakeTimeout, responseTimeout, keepAliveTimeout, maxRequestsPerConnection,
                idleTimeout(), pingInterval(), pongTimeout(), closeTimeout(), threadRelease, carrierLoops, Optional.ofNullable(tls),
                deflate(), listeners);
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
