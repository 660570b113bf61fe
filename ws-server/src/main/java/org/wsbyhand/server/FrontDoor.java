package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import org.wsbyhand.protocol.handshake.HttpResponse;
import org.wsbyhand.session.AttributeKey;
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
     * @param attributes the typed attributes the upgrade hook gave the session
     * @param leftover bytes that arrived behind the request head
     * @param timing the handshake's timing, reported once the 101 is written
     */
    record Upgrade(HttpUpgradeRequest request, HandshakeResult accepted, WebSocketHandler handler,
            Map<AttributeKey<?>, Object> attributes, byte[] leftover, HandshakeTiming timing) {}

    private final WebSocketServer server;
    private final ServerConfig config;
    private final Counters counters;
    private final Observers observers;
    /** The current request's timing: the connection's first, then each kept-alive request's. */
    private HandshakeTiming timing;
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
     * Serves the connection's requests; returns the upgrade to run (counted in open sessions
     * already), or empty when the connection was answered for the last time (or is gone). Plain HTTP
     * requests are answered one after the other on a kept-alive connection, each from the bytes that
     * followed the one before (pipelining), until one asks to close, the limit of requests, an error
     * answer, the keep-alive timeout, or an upgrade.
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
        if (socket instanceof SSLSocket ssl) {
            try {
                socket.setSoTimeout(Math.max(1, Linger.millisUntil(headDeadline)));
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                return timedOut(out);
            } catch (SSLException e) {
                log.info("connection {} ({}): TLS handshake failed: {}", id, remote, e.getMessage());
                return Optional.empty();
            }
        }
        byte[] pending = new byte[0];
        for (int served = 0; ; served++) {
            if (served > 0) {
                timing = observers.handshakeStarted();
            }
            Optional<Handshaker.ReadHead> read;
            try {
                read = Handshaker.readHead(in, socket, config.limits(), headDeadline, pending, timing::start);
            } catch (Handshaker.IdleTimeout e) {
                if (served > 0) {
                    log.debug("connection {} ({}): kept alive {} without a request, closed", id, remote,
                            config.keepAliveTimeout());
                    return Optional.empty();
                }
                return timedOut(out);
            } catch (SocketTimeoutException e) {
                return timedOut(out);
            } catch (HandshakeException e) {
                log.info("connection {} ({}): request head refused with {}: {}", id, remote, e.status(), e.getMessage());
                counters.upgradesRejected.increment();
                out.write(e.responseBytes());
                out.flush();
                observers.handshake(timing, "", e.status(), remote);
                return Optional.empty();
            }
            if (read.isEmpty()) {
                return Optional.empty();
            }
            HttpRequest head = read.get().request();
            RouteTable.Match routed;
            try {
                routed = server.routes().match(head.path()).orElse(null);
            } catch (IllegalArgumentException e) {
                reject(out, head, HandshakeException.reject(400, "invalid percent escape in path"));
                return Optional.empty();
            }
            // A WebSocket upgrade goes to the handshake, and so does anything else on a route when there
            // are no static files to serve instead (the handshake then says what is missing). A plain GET
            // of a route's path serves the static file there, so a page and its socket can share "/".
            // Other upgrade offers (the JDK HTTP client's h2c, for one) may be ignored (RFC 7230 6.7).
            boolean webSocketUpgrade = head.headers().containsToken("Upgrade", "websocket");
            if (webSocketUpgrade || (routed != null && config.staticFiles().isEmpty())) {
                if (served > 0) {
                    // A later request on a kept-alive connection gets the same time as a first one.
                    deadline.accept(System.nanoTime() + config.handshakeTimeout().toNanos() + ANSWER_GRACE_NANOS);
                }
                return upgrade(out, read.get(), routed);
            }
            counters.httpRequests.increment();
            boolean keepAlive = keepAlive(head, served + 1);
            deadline.accept(System.nanoTime() + config.responseTimeout().toNanos());
            int status;
            if (config.staticFiles().isPresent()) {
                status = config.staticFiles().get().respond(head, out, keepAlive);
            } else {
                status = 404;
                HttpResponses.error(out, 404, "", Map.of(), !head.method().equals("HEAD"), keepAlive);
            }
            log.debug("connection {} ({}): {} {} -> {}", id, remote, head.method(), head.target(), status);
            if (!keepAlive || (status != 200 && status != 304 && status != 404)) {
                return Optional.empty();
            }
            pending = read.get().leftover();
            headDeadline = System.nanoTime() + config.keepAliveTimeout().toNanos();
            deadline.accept(headDeadline + ANSWER_GRACE_NANOS);
        }
    }

    /**
     * Whether the connection may stay open after the answer to this request, the {@code count}th: an
     * HTTP/1.1 GET or HEAD without a body and without {@code Connection: close}, within the limit of
     * requests, while the server is not shutting down. A request with a body is answered and the
     * connection closed, so no body byte is ever taken for the start of a next request.
     */
    private boolean keepAlive(HttpRequest head, int count) {
        return config.keepAliveTimeout().isPositive()
                && count < config.maxRequestsPerConnection()
                && head.version().equals("HTTP/1.1")
                && (head.method().equals("GET") || head.method().equals("HEAD"))
                && !head.headers().containsToken("Connection", "close")
                && !head.headers().contains("Transfer-Encoding")
                && head.headers().first("Content-Length").map(length -> length.equals("0")).orElse(true)
                && !server.isClosing();
    }

    private Optional<Upgrade> timedOut(OutputStream out) throws IOException {
        log.info("connection {} ({}): no complete request head within its deadline, dropped", id, remote);
        counters.upgradesRejected.increment();
        HttpResponses.error(out, 408, "", Map.of(), true);
        observers.handshake(timing, "", 408, remote);
        return Optional.empty();
    }

    private Optional<Upgrade> upgrade(OutputStream out, Handshaker.ReadHead read, RouteTable.Match routed)
            throws IOException {
        HttpRequest head = read.request();
        if (routed == null) {
            reject(out, head, HandshakeException.reject(404, "no WebSocket endpoint at this path"));
            return Optional.empty();
        }
        HandshakeResult accepted;
        try {
            accepted = server.handshake().accept(head);
        } catch (HandshakeException e) {
            reject(out, head, e);
            return Optional.empty();
        }
        if (!server.origins().allows(head.headers().first("Origin"), head.headers().first("Host"))) {
            reject(out, head, HandshakeException.reject(403, "origin not allowed"));
            return Optional.empty();
        }
        HttpUpgradeRequest request = new HttpUpgradeRequest(head, read.raw(), config.limits(), remote,
                routed.variables());
        if (server.isClosing()) {
            reject(out, head, HandshakeException.reject(503, "server shutting down"));
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
        return switch (decision) {
            case UpgradeDecision.Reject rejected -> {
                counters.openSessions.decrementAndGet();
                log.info("connection {} ({}): upgrade of {} refused by the upgrade hook with {}: {}", id, remote,
                        head.target(), rejected.status(), rejected.reason());
                counters.upgradesRejected.increment();
                HttpResponses.error(out, rejected.status(), rejected.reason(), rejected.headers(), true);
                observers.handshake(timing, request.path(), rejected.status(), remote);
                yield Optional.empty();
            }
            case UpgradeDecision.Accept accept -> {
                HandshakeResult answer = accepted;
                if (!accept.headers().isEmpty()) {
                    HttpResponse response = accepted.response();
                    answer = new HandshakeResult(new HttpResponse(response.version(), response.status(),
                            response.reason(), response.headers().toBuilder().addAll(accept.headers()).build()),
                            accepted.subprotocol(), accepted.extensions());
                }
                yield Optional.of(new Upgrade(request, answer, routed.handler(), accept.attributes(), read.leftover(),
                        timing));
            }
        };
    }

    private void reject(OutputStream out, HttpRequest head, HandshakeException rejection) throws IOException {
        log.info("connection {} ({}): upgrade of {} refused with {}: {}", id, remote, head.target(),
                rejection.status(), rejection.reason());
        counters.upgradesRejected.increment();
        out.write(rejection.responseBytes());
        out.flush();
        observers.handshake(timing, reportedPath(head), rejection.status(), remote);
    }

    /** The request's path for observers: percent-decoded, or as it came when it does not decode. */
    private static String reportedPath(HttpRequest head) {
        try {
            return PercentDecoding.decode(head.path(), false);
        } catch (IllegalArgumentException e) {
            return head.path();
        }
    }
}
