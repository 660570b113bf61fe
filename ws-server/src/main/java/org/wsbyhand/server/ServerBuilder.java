package org.wsbyhand.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Collects the settings of a {@link WebSocketServer}; {@link #build()} validates them. Every
 * setting has the default documented in {@link ServerConfig}. Get one from
 * {@link WebSocketServer#builder()}.
 */
public final class ServerBuilder {
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
    private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
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

    ServerBuilder() {}

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
     * All protocol limits at once (default {@link Limits#defaults()}).
     *
     * @param limits the frame, message and head size limits
     * @return this builder
     */
    public ServerBuilder limits(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * The largest frame payload accepted (default 1 MiB); larger frames fail with 1009.
     *
     * @param bytes the largest frame payload, in bytes
     * @return this builder
     */
    public ServerBuilder maxFrameSize(int bytes) {
        this.limits = limits.withMaxFrameSize(bytes);
        return this;
    }

    /**
     * The largest message accepted (default 1 MiB); larger messages fail with 1009.
     *
     * @param bytes the largest message, in bytes
     * @return this builder
     */
    public ServerBuilder maxMessageSize(int bytes) {
        this.limits = limits.withMaxMessageSize(bytes);
        return this;
    }

    /**
     * The largest HTTP request head (default 8 KiB); larger heads get 431.
     *
     * @param bytes the largest request head, in bytes
     * @return this builder
     */
    public ServerBuilder maxHeadSize(int bytes) {
        this.limits = limits.withMaxHeadSize(bytes);
        return this;
    }

    /**
     * The most unsent bytes a session may hold (default 4 MiB); a message that would go over it is
     * refused as the {@link #overflowPolicy overflow policy} says.
     *
     * @param bytes the most unsent bytes per session
     * @return this builder
     */
    public ServerBuilder maxOutboundBytes(long bytes) {
        this.maxOutboundBytes = bytes;
        return this;
    }

    /**
     * What a send that would take a session over {@link #maxOutboundBytes} does (default
     * {@link OverflowPolicy#CLOSE}: the session closes with 1008; {@link OverflowPolicy#DROP}: the message is
     * dropped, counted in {@link ServerStats#messagesDropped()}, and the session stays open).
     *
     * @param policy the overflow policy
     * @return this builder
     */
    public ServerBuilder overflowPolicy(OverflowPolicy policy) {
        this.overflowPolicy = Objects.requireNonNull(policy, "policy");
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
     * Close a session that receives nothing for this long with 1001 (default 5 min; zero disables).
     *
     * @param timeout the idle time after which a session is closed, or zero to keep idle sessions open
     * @return this builder
     */
    public ServerBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /**
     * Ping a session that received nothing for this long (default 30 s; zero disables).
     *
     * @param interval the quiet time after which a session is pinged, or zero to never ping
     * @return this builder
     */
    public ServerBuilder pingInterval(Duration interval) {
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
    public ServerBuilder threadRelease(Duration delay) {
        this.threadRelease = delay;
        return this;
    }

    /**
     * Fail a pinged session with 1011 when nothing arrives for this long (default 10 s).
     *
     * @param timeout the time to wait for anything from a pinged session
     * @return this builder
     */
    public ServerBuilder pongTimeout(Duration timeout) {
        this.pongTimeout = timeout;
        return this;
    }

    /**
     * Wait this long for the peer's close frame, and for sessions at shutdown (default 5 s).
     *
     * @param timeout the time to wait for a close frame, and for sessions at shutdown
     * @return this builder
     */
    public ServerBuilder closeTimeout(Duration timeout) {
        this.closeTimeout = timeout;
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
     * Whether to negotiate permessage-deflate (RFC 7692) with clients that offer it (default
     * on; browsers offer it). Clients that do not offer it are served uncompressed either way.
     *
     * @param enabled {@code true} to negotiate permessage-deflate
     * @return this builder
     */
    public ServerBuilder compression(boolean enabled) {
        this.compression = enabled;
        return this;
    }

    /**
     * Turns compression on with these options (level, minimum size, no-context-takeover).
     *
     * @param options the compression options
     * @return this builder
     */
    public ServerBuilder compression(DeflateOptions options) {
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
    public ServerBuilder compressionLevel(int level) {
        this.deflateOptions = deflateOptions.withCompressionLevel(level);
        return this;
    }

    /**
     * Messages shorter than this are sent uncompressed (default 32 bytes).
     *
     * @param bytes the smallest message size that is compressed
     * @return this builder
     */
    public ServerBuilder compressionMinSize(int bytes) {
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
    public ServerBuilder compressionNoContextTakeover(boolean enabled) {
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
    public ServerBuilder compressionWindowBits(int bits) {
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
                Optional.ofNullable(staticFiles), limits, maxOutboundBytes, overflowPolicy,
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
