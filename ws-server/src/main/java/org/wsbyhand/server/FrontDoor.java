package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The HTTP side of a new connection, before any WebSocket: the TLS handshake and the request head
 * within the handshake timeout (408 after it), then a static file, an error, or an upgrade that
 * passed every policy (route, protocol checks, origin, shutdown, the application's upgrade hook).
 * Whatever it refuses it answers with a status and a log line; only an accepted upgrade goes on.
 */
final class FrontDoor {
    private static final Logger log = LoggerFactory.getLogger(FrontDoor.class);
    /** Time after the handshake deadline for the 408 to be written before the timer drops the socket. */
    static final long ANSWER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * An upgrade the server accepts: the 101 is still to be written.
     *
     * @param request the request as the application sees it
     * @param accepted the handshake's answer
     * @param handler the route's handler
     * @param leftover bytes that arrived behind the request head
     * @param timing the handshake's timing, reported once the 101 is written
     */
    record Upgrade(HttpUpgradeRequest request, HandshakeResult accepted, WebSocketHandler handler, byte[] leftover,
            HandshakeTiming timing) {}

    private final WebSocketServer server;
    private final ServerConfig config;
    private final Counters counters;
    private final Observers observers;
    private final HandshakeTiming timing;
    private final Socket socket;
    private final long id;
    private final InetSocketAddress remote;
    /** Sets when the timer drops the connection (a {@link System#nanoTime()} value). */
    private final LongConsumer deadline;

    FrontDoor(WebSocketServer server, Socket socket, long id, InetSocketAddress remote, LongConsumer deadline) {
        this.server = server;
        this.config = server.config();
        this.counters = server.counters();
        this.observers = server.observers();
        this.timing = observers.handshakeStarted();
        this.socket = socket;
        this.id = id;
        this.remote = remote;
        this.deadline = deadline;
    }

    /**
     * Serves the request; returns the upgrade to run (counted in open sessions already), or empty when
     * the connection was answered (or is gone).
     */
    Optional<Upgrade> serve() throws IOException {
        long headDeadline = System.nanoTime() + config.handshakeTimeout().toNanos();
        // Reads of the head time out on their own at the deadline and get a 408. The timer drops
        // the socket a little later whatever blocks: a TLS handshake, or an answer the client does
        // not read; the grace keeps it from cutting off the 408 itself.
        deadline.accept(headDeadline + ANSWER_GRACE_NANOS);
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Optional<Handshaker.ReadHead> read;
        try {
            if (socket instanceof SSLSocket ssl) {
                socket.setSoTimeout(Math.max(1, Linger.millisUntil(headDeadline)));
                ssl.startHandshake();
            }
            read = Handshaker.readHead(in, socket, config.limits(), headDeadline, timing::start);
        } catch (SocketTimeoutException e) {
            log.info("connection {} ({}): no complete request head within {}, dropped", id, remote,
                    config.handshakeTimeout());
            counters.upgradesRejected.increment();
            HttpResponses.error(out, 408, "", Map.of(), true);
            observers.handshake(timing, "", 408, remote);
            return Optional.empty();
        } catch (HandshakeException e) {
            log.info("connection {} ({}): request head refused with {}: {}", id, remote, e.status(), e.getMessage());
            counters.upgradesRejected.increment();
            out.write(e.responseBytes());
            out.flush();
            observers.handshake(timing, "", e.status(), remote);
            return Optional.empty();
        } catch (SSLException e) {
            log.info("connection {} ({}): TLS handshake failed: {}", id, remote, e.getMessage());
            return Optional.empty();
        }
        if (read.isEmpty()) {
            return Optional.empty();
        }
        HttpRequest head = read.get().request();
        String path;
        try {
            path = PercentDecoding.decode(head.path(), false);
        } catch (IllegalArgumentException e) {
            reject(out, head.path(), head, HandshakeException.reject(400, "invalid percent escape in path"));
            return Optional.empty();
        }
        WebSocketHandler routed = config.routes().get(path);
        // A WebSocket upgrade goes to the handshake, and so does anything else on a route when there
        // are no static files to serve instead (the handshake then says what is missing). A plain GET
        // of a route's path serves the static file there, so a page and its socket can share "/".
        // Other upgrade offers (the JDK HTTP client's h2c, for one) may be ignored (RFC 7230 6.7).
        boolean webSocketUpgrade = head.headers().containsToken("Upgrade", "websocket");
        if (webSocketUpgrade || (routed != null && config.staticFiles().isEmpty())) {
            return upgrade(out, read.get(), path, routed);
        }
        counters.httpRequests.increment();
        if (config.staticFiles().isPresent()) {
            deadline.accept(System.nanoTime() + config.responseTimeout().toNanos());
            int status = config.staticFiles().get().respond(head, out);
            log.debug("connection {} ({}): {} {} -> {}", id, remote, head.method(), head.target(), status);
        } else {
            HttpResponses.error(out, 404, "", Map.of(), !head.method().equals("HEAD"));
        }
        return Optional.empty();
    }

    private Optional<Upgrade> upgrade(OutputStream out, Handshaker.ReadHead read, String path, WebSocketHandler routed)
            throws IOException {
        HttpRequest head = read.request();
        if (routed == null) {
            reject(out, path, head, HandshakeException.reject(404, "no WebSocket endpoint at this path"));
            return Optional.empty();
        }
        HandshakeResult accepted;
        try {
            accepted = server.handshake().accept(head);
        } catch (HandshakeException e) {
            reject(out, path, head, e);
            return Optional.empty();
        }
        Optional<String> origin = head.headers().first("Origin");
        if (!config.allowedOrigins().isEmpty() && origin.isPresent() && !originAllowed(origin.get())) {
            reject(out, path, head, HandshakeException.reject(403, "origin not allowed"));
            return Optional.empty();
        }
        HttpUpgradeRequest request = new HttpUpgradeRequest(head, read.raw(), config.limits(), remote);
        if (server.isClosing()) {
            reject(out, path, head, HandshakeException.reject(503, "server shutting down"));
            return Optional.empty();
        }
        // Counted open from before the hook decides, so that a hook that reads the server's statistics
        // sees this session; the caller takes it back if the session never starts.
        counters.openSessions.incrementAndGet();
        UpgradeDecision decision;
        try {
            decision = config.upgradeHook().decide(request);
        } catch (RuntimeException e) {
            log.warn("connection {} ({}): upgrade hook failed", id, remote, e);
            decision = UpgradeDecision.reject(500, "");
        } catch (Error e) {
            counters.openSessions.decrementAndGet();
            throw e;
        }
        if (decision instanceof UpgradeDecision.Reject rejected) {
            counters.openSessions.decrementAndGet();
            reject(out, path, head, HandshakeException.reject(rejected.status(), rejected.reason()));
            return Optional.empty();
        }
        return Optional.of(new Upgrade(request, accepted, routed, read.leftover(), timing));
    }

    private boolean originAllowed(String origin) {
        String lower = origin.toLowerCase(Locale.ROOT);
        return config.allowedOrigins().stream().anyMatch(allowed -> allowed.toLowerCase(Locale.ROOT).equals(lower));
    }

    private void reject(OutputStream out, String path, HttpRequest head, HandshakeException rejection)
            throws IOException {
        log.info("connection {} ({}): upgrade of {} refused with {}: {}", id, remote, head.target(),
                rejection.status(), rejection.reason());
        counters.upgradesRejected.increment();
        out.write(rejection.responseBytes());
        out.flush();
        observers.handshake(timing, path, rejection.status(), remote);
    }
}
