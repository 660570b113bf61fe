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
    private UpgradeHook upgradeHook = UpgradeHook.ACCEPT_ALL;
    private StaticFiles staticFiles;
    private long memoryBudget;
    private int maxConnections = ServerConfig.DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private Duration handshakeTimeout = ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration responseTimeout = ServerConfig.DEFAULT_RESPONSE_TIMEOUT;
    private Duration threadRelease = ServerConfig.DEFAULT_THREAD_RELEASE;
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
     * Serves WebSocket upgrades of requests whose path is exactly {@code path} with {@code handler}.
     *
     * @param path the exact request path, e.g. {@code "/chat"}
     * @param handler receives the events of every session upgraded on that path
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
     * The {@code Origin} values (e.g. {@code "https://chat.example"}) allowed to upgrade,
     * compared case-insensitively; an upgrade with another Origin gets 403. Requests without
     * Origin (non-browser clients) are not affected. Default: every origin.
     *
     * @param origins the allowed {@code Origin} header values
     * @return this builder
     */
    public ServerBuilder allowedOrigins(String... origins) {
        this.allowedOrigins = new LinkedHashSet<>(List.of(origins));
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
        return new ServerConfig(bindAddress, port, backlog, routes, subprotocols, allowedOrigins, upgradeHook,
                Optional.ofNullable(staticFiles), limits(), maxOutboundBytes(), overflowPolicy(),
                memoryBudget > 0 ? memoryBudget : ServerConfig.defaultMemoryBudget(), maxConnections,
                maxConnectionsPerAddress, handshakeTimeout, responseTimeout, idleTimeout(), pingInterval(), pongTimeout(), closeTimeout(), threadRelease,
                Optional.ofNullable(tls), deflate(), listeners);
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
