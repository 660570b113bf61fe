package org.wsbyhand.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.client.WebSocketConnectException.Failure;
import org.wsbyhand.protocol.handshake.HttpResponse;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.core.CoreSession;
import org.wsbyhand.session.core.SessionCounters;

/**
 * A WebSocket client: opens sessions to {@code ws://} and {@code wss://} servers, each run on a
 * virtual thread of its own that calls its {@link WebSocketHandler} in order, with the same
 * {@link Session} API as the server's. Thread-safe; one client can hold many sessions, which
 * share its settings and its timer thread.
 *
 * <pre>{@code
 * try (WebSocketClient client = WebSocketClient.builder().build()) {
 *     Session session = client.connect(URI.create("wss://chat.example/ws"), new WebSocketHandler() {
 *         public void onText(Session session, String text) { System.out.println(text); }
 *     });
 *     session.sendText("hello");
 * }
 * }</pre>
 *
 * <p>A connection attempt fails with a {@link WebSocketConnectException} naming the step that
 * failed. Once open, the client masks every frame with a fresh key, refuses masked frames from the
 * server (1002), and at the end of a close waits for the server to close TCP first.
 */
public final class WebSocketClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSocketClient.class);

    /** The server's 101 answer, with its headers (e.g. {@code Set-Cookie}), on every client session. */
    public static final AttributeKey<HttpResponse> HANDSHAKE_RESPONSE =
            AttributeKey.of("ws-client.handshake-response", HttpResponse.class);

    /** Fields not sent on to a redirect that leaves the host (or its port). */
    private static final Set<String> CREDENTIALS = Set.of("authorization", "cookie");

    private final ClientConfig config;
    private final Dialer dialer;
    private final Upgrader upgrader;
    private final SessionCounters counters = new SessionCounters();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final ClientTimer timer;
    private final AtomicLong ids = new AtomicLong();
    /** What runs when the client closes: the stop of each of its reconnecting connections. */
    private final Set<Runnable> closeActions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    WebSocketClient(ClientConfig config) {
        this.config = config;
        this.dialer = new Dialer(config);
        this.upgrader = new Upgrader(config);
        this.timer = new ClientTimer(connections, config);
    }

    /**
     * A builder with safe defaults (see {@link ClientBuilder}).
     *
     * @return a new builder
     */
    public static ClientBuilder builder() {
        return new ClientBuilder();
    }

    /**
     * The client that opened a session, when it was one of ours.
     *
     * @param session a session
     * @return the client, or null for a session a server opened
     */
    public static WebSocketClient of(Session session) {
        Session own = session instanceof TrackedSession tracked ? tracked.delegate() : session;
        return own instanceof CoreSession core && core.opener() instanceof WebSocketClient client ? client : null;
    }

    /**
     * Connects to {@code uri} and opens a session run by {@code handler}; blocks until the server's
     * 101 is validated. The handler's {@code onOpen} runs on the session's own thread, possibly
     * after this returns.
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @param handler the session's handler
     * @return the open session
     * @throws WebSocketConnectException when the attempt failed (see {@link WebSocketConnectException#failure()})
     * @throws InterruptedIOException when the calling thread was interrupted
     * @throws IOException when the client is closed
     */
    public Session connect(URI uri, WebSocketHandler handler) throws IOException {
        return connect(ClientRequest.of(uri), handler);
    }

    /**
     * Connects with a request's headers, subprotocols and origin; see {@link #connect(URI, WebSocketHandler)}.
     *
     * @param request what to ask the server for
     * @param handler the session's handler
     * @return the open session
     * @throws WebSocketConnectException when the attempt failed
     * @throws IOException when the client is closed
     */
    public Session connect(ClientRequest request, WebSocketHandler handler) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        ClientRequest current = request;
        for (int redirects = 0; ; redirects++) {
            checkOpen();
            Dialer.Dialed dialed = dialer.open(current);
            Socket socket = dialed.socket();
            Upgrader.Outcome outcome;
            try {
                outcome = upgrader.upgrade(socket, current, dialed.deadline());
            } catch (IOException | RuntimeException e) {
                Dialer.close(socket);
                throw e;
            }
            if (outcome instanceof Upgrader.Upgraded upgraded) {
                return open(socket, current, upgraded, handler);
            }
            Dialer.close(socket);
            Upgrader.Redirect redirect = (Upgrader.Redirect) outcome;
            current = redirected(current, redirect, redirects);
            log.debug("{} redirected ({}) to {}", request.uri(), redirect.status(), current.uri());
        }
    }

    /**
     * Connects on a virtual thread of its own; see {@link #connect(ClientRequest, WebSocketHandler)}.
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @param handler the session's handler
     * @return the session once open, or the failure
     */
    public CompletableFuture<Session> connectAsync(URI uri, WebSocketHandler handler) {
        return connectAsync(ClientRequest.of(uri), handler);
    }

    /**
     * Connects on a virtual thread of its own; see {@link #connect(ClientRequest, WebSocketHandler)}.
     *
     * @param request what to ask the server for
     * @param handler the session's handler
     * @return the session once open, or the failure
     */
    public CompletableFuture<Session> connectAsync(ClientRequest request, WebSocketHandler handler) {
        CompletableFuture<Session> future = new CompletableFuture<>();
        Thread.ofVirtual().name("ws-client-connect").start(() -> {
            try {
                future.complete(connect(request, handler));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /**
     * Opens a connection that reconnects with backoff whenever its session ends or an attempt
     * fails, until it is closed; returns at once, the attempts run on a virtual thread of its own.
     * See {@link ReconnectingConnection} for the rules.
     *
     * @param request what to ask the server for, on every attempt
     * @param handler the handler of every session; its {@code onOpen} runs again on each new one
     * @param policy the delays between attempts and their limit
     * @param listener what to tell about connecting, disconnecting, retrying and giving up
     * @return the connection
     * @throws IllegalStateException when the client is closed
     */
    public ReconnectingConnection connectReconnecting(ClientRequest request, WebSocketHandler handler,
            ReconnectPolicy policy, ConnectionListener listener) {
        return ReconnectingConnection.open(this, request, handler, policy, listener);
    }

    /** Runs {@code action} once when the client closes; false, and nothing kept, when it is closed already. */
    boolean whenClosed(Runnable action) {
        closeActions.add(action);
        return !(closed && closeActions.remove(action)); // if close() took it, it runs
    }

    /** Forgets an action given to {@link #whenClosed}. */
    void forgetWhenClosed(Runnable action) {
        closeActions.remove(action);
    }

    private Session open(Socket socket, ClientRequest request, Upgrader.Upgraded upgraded, WebSocketHandler handler)
            throws IOException {
        ClientConnection connection;
        try {
            socket.setSoTimeout(0); // from now on the session clock keeps the time
            connection = new ClientConnection(this, socket, request, upgraded, handler, ids.incrementAndGet());
        } catch (IOException | RuntimeException e) {
            Dialer.close(socket);
            throw e;
        }
        connections.add(connection);
        if (!timer.ensureStarted()) {
            connections.remove(connection);
            connection.abort();
            throw new IOException("the client is closed");
        }
        connection.start();
        return connection.session();
    }

    private ClientRequest redirected(ClientRequest from, Upgrader.Redirect redirect, int followed)
            throws WebSocketConnectException {
        URI uri = from.uri();
        if (followed >= config.maxRedirects()) {
            String why = config.maxRedirects() == 0 ? "redirects are not followed (ClientBuilder.followRedirects)"
                    : "more than " + config.maxRedirects() + " redirects";
            throw new WebSocketConnectException(Failure.REDIRECT, uri, "the server redirected (" + redirect.status()
                    + ") to " + redirect.location() + ": " + why, null, redirect.status(), null, null);
        }
        URI target;
        try {
            target = uri.resolve(new URI(redirect.location()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new WebSocketConnectException(Failure.REDIRECT, uri, "redirect to a malformed Location: "
                    + redirect.location(), e, redirect.status(), null, null);
        }
        target = asWebSocket(target);
        String fromScheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String toScheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(toScheme.equals("wss") || (toScheme.equals("ws") && fromScheme.equals("ws")))) {
            throw new WebSocketConnectException(Failure.REDIRECT, uri, "refused a redirect to a less secure or "
                    + "unknown scheme: " + target, null, redirect.status(), null, null);
        }
        try {
            ClientRequest.checkUri(target);
        } catch (IllegalArgumentException e) {
            throw new WebSocketConnectException(Failure.REDIRECT, uri, "refused a redirect: " + e.getMessage(), e,
                    redirect.status(), null, null);
        }
        ClientRequest next = from.redirectedTo(target, Set.of());
        boolean sameHost = next.host().equalsIgnoreCase(from.host())
                && (next.port() == from.port() || (!from.secure() && next.secure() && from.uri().getPort() < 0
                        && target.getPort() < 0));
        return sameHost ? next : from.redirectedTo(target, CREDENTIALS);
    }

    /** A redirect to {@code http(s)://} names the same resource as {@code ws(s)://}. */
    private static URI asWebSocket(URI target) {
        String scheme = target.getScheme();
        if (scheme == null) {
            return target;
        }
        String mapped = switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http" -> "ws";
            case "https" -> "wss";
            default -> scheme;
        };
        if (mapped.equals(scheme)) {
            return target;
        }
        try {
            return new URI(mapped, target.getRawSchemeSpecificPart(), target.getRawFragment());
        } catch (URISyntaxException e) {
            return target;
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the client is closed");
        }
    }

    /**
     * The client's settings.
     *
     * @return the configuration
     */
    public ClientConfig config() {
        return config;
    }

    /**
     * The sessions open now (a snapshot).
     *
     * @return the open sessions
     */
    public List<Session> sessions() {
        return connections.stream().map(c -> (Session) c.session()).toList();
    }

    /**
     * Counts over all of this client's sessions (messages and bytes in and out, compression).
     *
     * @return the live counters
     */
    SessionCounters counters() {
        return counters;
    }

    /** A session ended; idempotent. */
    void ended(ClientConnection connection) {
        if (connections.remove(connection)) {
            synchronized (connections) {
                connections.notifyAll();
            }
        }
    }

    /**
     * Closes every open session with 1001 (going away), waits for them to end for at most twice the
     * close timeout, drops those that did not, and stops the timer. New connections fail.
     */
    @Override
    public void close() {
        closed = true;
        for (Runnable action : closeActions) {
            if (closeActions.remove(action)) {
                action.run();
            }
        }
        Collection<ClientConnection> open = List.copyOf(connections);
        open.forEach(ClientConnection::goingAway);
        long deadline = System.nanoTime() + 2 * config.closeTimeout().toNanos();
        try {
            synchronized (connections) {
                for (long left = deadline - System.nanoTime(); !connections.isEmpty() && left > 0;
                        left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(connections, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.forEach(ClientConnection::abort);
        timer.stop();
    }
}
