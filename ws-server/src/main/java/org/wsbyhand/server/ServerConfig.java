package org.wsbyhand.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.SessionSettings;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Every setting of a {@link WebSocketServer}, validated once by {@link ServerBuilder#build()}.
 * The defaults are the {@code DEFAULT_*} constants; a zero duration disables the idle timeout or the
 * ping heartbeat.
 *
 * @param bindAddress      address to listen on (default {@value #DEFAULT_BIND_ADDRESS})
 * @param port             TCP port (default {@value #DEFAULT_PORT}); 0 picks an ephemeral port
 * @param backlog          accept queue length asked of the kernel (default {@value #DEFAULT_BACKLOG})
 * @param routes           route (an exact path, a template such as {@code /rooms/{id}}, or a prefix
 *                         such as {@code /api/*}) to handler; see {@link ServerBuilder#route}
 * @param subprotocols     subprotocols this server speaks, most preferred first (default none)
 * @param allowedOrigins   page origins ({@code scheme://host[:port]}) allowed to upgrade besides the
 *                         server's own; requests without {@code Origin} always pass (default none:
 *                         same origin only)
 * @param allowAnyOrigin   whether pages of every origin may upgrade (default false)
 * @param upgradeHook      last say on every upgrade (default accepts all)
 * @param staticFiles      files served to plain GET/HEAD requests, if any
 * @param limits           frame, message and HTTP head limits (default {@link Limits#defaults()})
 * @param maxOutboundBytes most unsent bytes one session may hold (default 4 MiB); a message that
 *                         would go over it is refused as {@code overflowPolicy} says
 * @param overflowPolicy   what a send over {@code maxOutboundBytes} does: close the session with
 *                         1008 (default {@link OverflowPolicy#CLOSE}) or drop the message and count
 *                         it ({@link OverflowPolicy#DROP})
 * @param memoryBudget     most bytes the server holds on behalf of all its clients together
 *                         (message reassembly and inflation, grown read buffers, unsent bytes);
 *                         half is promised in equal shares per connection, half is shared; a
 *                         message or session that finds no room is closed with 1013 (default
 *                         {@link #defaultMemoryBudget()}, a quarter of the maximum heap)
 * @param maxConnections   most open connections of any kind (TLS or HTTP head in progress, plain
 *                         HTTP, WebSocket); one more is answered 503 and closed (default 10,000)
 * @param maxConnectionsPerAddress most open connections from one client IP address, answered like
 *                         {@code maxConnections} beyond it (default 0: no limit, since clients
 *                         behind a proxy or NAT share an address)
 * @param handshakeTimeout time a client has to send its whole HTTP head, TLS handshake included
 *                         (default 10 s)
 * @param responseTimeout  time to write a plain HTTP answer (a static file, an error) to a client
 *                         that reads slowly or not at all, after which it is dropped (default 30 s)
 * @param keepAliveTimeout how long a plain HTTP connection may wait for its next request (default
 *                         5 s; zero answers one request per connection)
 * @param maxRequestsPerConnection the most plain HTTP requests on one connection (default 100)
 * @param idleTimeout      a session that receives no byte for this long is closed with 1001
 *                         (default 5 min; zero disables)
 * @param pingInterval     a session that receives no byte for this long is sent a ping (default
 *                         30 s; zero disables)
 * @param pongTimeout      time after a heartbeat ping within which some byte must arrive, else the
 *                         session fails with 1011 (default 10 s)
 * @param closeTimeout     time to wait for the peer's close frame after sending ours, and for
 *                         graceful shutdown (default 5 s)
 * @param threadRelease    a session that has received nothing for this long, and has nothing left
 *                         to send, gives back its virtual thread and read buffer (about 4 KB) and
 *                         waits on the server's selector, which resumes it on a new virtual thread
 *                         when bytes arrive or anything is sent to it (default 500 ms; zero keeps
 *                         one thread per session for its whole life; wss:// sessions always keep it)
 * @param carrierLoops     how many carrier loops run the virtual threads of ws:// connections: ws-server's
 *                         own threads that each wait on a selector and carry the threads of their
 *                         sessions, so that a message arriving costs no hand-off between threads (small
 *                         messages cost about half the CPU of the JDK's scheduler). They need
 *                         {@code java.lang} opened to ws-server ({@code --add-opens
 *                         java.base/java.lang=ALL-UNNAMED}, or {@code =org.wsbyhand.server} on the module
 *                         path); without it the JDK's scheduler runs every thread and the server says
 *                         so once in its log. Default {@value #CARRIER_LOOPS_AUTO}: one per processor
 *                         where allowed; zero: always the JDK's scheduler. wss:// connections always
 *                         run on the JDK's scheduler
 * @param tls              TLS context for wss://, if any
 * @param compression      permessage-deflate (RFC 7692): present to offer it to clients that ask
 *                         (default {@link DeflateOptions#defaults()}: level 6, messages of 32 bytes
 *                         and more, context takeover), empty to never negotiate it
 * @param listeners        hear handshakes, sessions, slow consumers and violations, in this order
 *                         (default none)
 */
public record ServerConfig(
        String bindAddress,
        int port,
        int backlog,
        Map<String, WebSocketHandler> routes,
        List<String> subprotocols,
        Set<String> allowedOrigins,
        boolean allowAnyOrigin,
        UpgradeHook upgradeHook,
        Optional<StaticFiles> staticFiles,
        Limits limits,
        long maxOutboundBytes,
        OverflowPolicy overflowPolicy,
        long memoryBudget,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration handshakeTimeout,
        Duration responseTimeout,
        Duration keepAliveTimeout,
        int maxRequestsPerConnection,
        Duration idleTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        Duration closeTimeout,
        Duration threadRelease,
        int carrierLoops,
        Optional<SSLContext> tls,
        Optional<DeflateOptions> compression,
        List<ServerListener> listeners) {

    /** Every interface. */
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    /** 8080. */
    public static final int DEFAULT_PORT = 8080;
    /** 1024 pending connections (the kernel may cap it, see somaxconn). */
    public static final int DEFAULT_BACKLOG = 1024;
    /** 4 MiB of unsent bytes per session. */
    public static final long DEFAULT_MAX_OUTBOUND_BYTES = SessionSettings.DEFAULT_MAX_OUTBOUND_BYTES;
    /** The default memory budget is the maximum heap divided by this. */
    public static final int DEFAULT_MEMORY_BUDGET_FRACTION = 4;
    /** 10,000 open connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** No limit per client address. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
    /** 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** 30 seconds. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /** 5 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = SessionSettings.DEFAULT_IDLE_TIMEOUT;
    /** 30 seconds. */
    public static final Duration DEFAULT_PING_INTERVAL = SessionSettings.DEFAULT_PING_INTERVAL;
    /** 10 seconds. */
    public static final Duration DEFAULT_PONG_TIMEOUT = SessionSettings.DEFAULT_PONG_TIMEOUT;
    /** 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = SessionSettings.DEFAULT_CLOSE_TIMEOUT;
    /** 5 seconds. */
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(5);
    /** 100 requests. */
    public static final int DEFAULT_MAX_REQUESTS_PER_CONNECTION = 100;
    /** 500 milliseconds. */
    public static final Duration DEFAULT_THREAD_RELEASE = Duration.ofMillis(500);

    /** Carrier loops: one per processor where {@code java.lang} is open to ws-server, else none. */
    public static final int CARRIER_LOOPS_AUTO = -1;
    /** The most carrier loops a server may ask for. */
    public static final int MAX_CARRIER_LOOPS = 256;

    /** Validates every setting and makes the collections immutable. */
    public ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        requirePositive("backlog", backlog);
        routes = Map.copyOf(routes);
        RouteTable.compile(routes); // refuses malformed and ambiguous routes
        subprotocols = List.copyOf(subprotocols);
        allowedOrigins = allowedOrigins.stream().map(OriginPolicy::require)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        Objects.requireNonNull(upgradeHook, "upgradeHook");
        Objects.requireNonNull(staticFiles, "staticFiles");
        Objects.requireNonNull(limits, "limits");
        requirePositive("maxOutboundBytes", maxOutboundBytes);
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        requirePositive("memoryBudget", memoryBudget);
        requirePositive("maxConnections", maxConnections);
        if (maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must not be negative, was " + maxConnectionsPerAddress);
        }
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("responseTimeout", responseTimeout);
        requireNotNegative("keepAliveTimeout", keepAliveTimeout);
        requirePositive("maxRequestsPerConnection", maxRequestsPerConnection);
        requireNotNegative("idleTimeout", idleTimeout);
        requireNotNegative("pingInterval", pingInterval);
        requirePositive("pongTimeout", pongTimeout);
        requirePositive("closeTimeout", closeTimeout);
        requireNotNegative("threadRelease", threadRelease);
        if (carrierLoops < CARRIER_LOOPS_AUTO || carrierLoops > MAX_CARRIER_LOOPS) {
            throw new IllegalArgumentException("carrierLoops must be -1 (auto) to " + MAX_CARRIER_LOOPS + ", was " + carrierLoops);
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(compression, "compression");
        listeners = List.copyOf(listeners);
    }

    /**
     * A quarter of the JVM's maximum heap ({@link Runtime#maxMemory()}).
     *
     * @return the default memory budget in bytes
     */
    public static long defaultMemoryBudget() {
        return Runtime.getRuntime().maxMemory() / DEFAULT_MEMORY_BUDGET_FRACTION;
    }

    /**
     * A route is compared with the request's path after percent-decoding and without its query, so a
     * path that could never be equal to one is refused here rather than never matching.
     */
    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
