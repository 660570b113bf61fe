package org.wsbyhand.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.ClosePayload;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A connection that stays up: it opens one session at a time to the same server, and when a
 * session ends, or an attempt fails, it tries again after a delay its {@link ReconnectPolicy}
 * draws (exponential backoff with jitter and a cap), until the application closes it, the client
 * is closed, or the policy's attempts run out. Made by
 * {@link WebSocketClient#connectReconnecting}; thread-safe.
 *
 * <pre>{@code
 * ReconnectingConnection feed = client.connectReconnecting(ClientRequest.of(uri), new WebSocketHandler() {
 *     public void onOpen(Session session) { session.sendText("subscribe prices"); } // after every (re)connect
 *     public void onText(Session session, String text) { show(text); }
 * }, ReconnectPolicy.defaults(), ConnectionListener.none());
 * feed.awaitConnected(Duration.ofSeconds(10)).ifPresent(s -> s.sendText("hello"));
 * ...
 * feed.close(); // no reconnect after this
 * }</pre>
 *
 * <p><b>Attempts.</b> The first attempt starts at once, on the connection's own virtual thread; it
 * is retried like any other when it fails, so an application may start before its server. After
 * a session ends, the first attempt waits a delay too, so that the clients a server restart
 * dropped do not all come back at once. Attempt numbers count the attempts in a row that have not
 * opened a session, from 1; the policy's {@link ReconnectPolicy#maxAttempts()} bounds them, and a
 * session that opens starts them again. The delays grow with every retry and start again only
 * after a session that stayed open {@link ReconnectPolicy#resetAfter()}.
 *
 * <p><b>The handler.</b> The same handler runs every session, each on its session's own thread,
 * one session after the other, never two at once. Its {@code onOpen} is the place to subscribe
 * again, log in again, send what the server must hear on every new connection: a session counts
 * as connected ({@link #current()}, {@link #awaitConnected}, {@link ConnectionListener#onConnected})
 * only once {@code onOpen} has returned. An {@code onOpen} that throws fails its session with
 * 1011, and the attempt counts as failed. The handler sees each session through a view whose
 * {@code close} the connection notices; {@link WebSocketClient#of(Session)} still finds the client.
 *
 * <p><b>When it does not reconnect.</b>
 * <ul>
 *   <li>The application called {@link #close()} or {@link #close(CloseCode, String)}: the session
 *       open then is closed with that code, the attempt under way is cut short, a wait ends at once.</li>
 *   <li>The application closed the session itself with 1000 (Normal Closure), through the session its
 *       handler got or {@link #current()}: the same as {@link #close()}. Closing it with any other code
 *       ends only that session, and a new one follows: a way to ask for a fresh connection.</li>
 *   <li>The {@link WebSocketClient} is closed.</li>
 *   <li>{@link ReconnectPolicy#maxAttempts()} attempts in a row failed: {@link ConnectionListener#onGaveUp}.</li>
 * </ul>
 * A close the server started (any code, 1000 included), a dropped connection (1006) and a failed
 * session are reconnected.
 */
public final class ReconnectingConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** What the connection's thread does now. */
    private enum Phase {
        /** Between steps: deciding, or telling the listener. */
        BETWEEN,
        /** In the wait before an attempt; close() interrupts it. */
        WAITING,
        /** In an attempt; close() interrupts it. */
        CONNECTING,
        /** A session is open (or opening); close() closes it. */
        OPEN,
        /** The thread has ended. */
        OVER
    }

    private final Connector connector;
    private final ClientRequest request;
    private final WebSocketHandler handler;
    private final ReconnectPolicy policy;
    private final ConnectionListener listener;
    private final String name;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Undoes what the factory hooked into the client; set before the thread starts. */
    private Runnable detach = () -> {};
    // Guarded by lock.
    private Phase phase = Phase.BETWEEN;
    private boolean stopping;
    private CloseCode stopCode = CloseCode.NORMAL_CLOSURE;
    private String stopReason = "";
    private Session opening;
    private TrackedSession current;

    /**
     * A connection that is not started yet.
     *
     * @param connector what connects
     * @param request what to ask the server for, on every attempt
     * @param handler the handler of every session
     * @param policy when to try again
     * @param listener what to tell
     */
    ReconnectingConnection(Connector connector, ClientRequest request, WebSocketHandler handler,
            ReconnectPolicy policy, ConnectionListener listener) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.request = Objects.requireNonNull(request, "request");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.name = "ws-reconnect-" + IDS.incrementAndGet();
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /**
     * Starts a connection through {@code client}, which stops it when it closes.
     *
     * @throws IllegalStateException when the client is closed
     */
    static ReconnectingConnection open(WebSocketClient client, ClientRequest request, WebSocketHandler handler,
            ReconnectPolicy policy, ConnectionListener listener) {
        ReconnectingConnection connection = new ReconnectingConnection(client::connect, request, handler, policy,
                listener);
        Runnable stop = connection::clientClosed;
        if (!client.whenClosed(stop)) {
            throw new IllegalStateException("the client is closed");
        }
        connection.detach = () -> client.forgetWhenClosed(stop);
        connection.start();
        return connection;
    }

    /** Starts the connection's thread, once. */
    void start() {
        thread.start();
    }

    /**
     * The session open now, as the handler sees it: from the return of its handler's {@code onOpen}
     * to the start of its {@code onClose}.
     *
     * @return the open session, or empty while connecting, waiting, or after the end
     */
    public Optional<Session> current() {
        lock.lock();
        try {
            return Optional.ofNullable(current);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a session to be open (see {@link #current()}).
     *
     * @param timeout the longest wait
     * @return the open session; empty when the time is up or the connection is over (closed or gave up)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Optional<Session> awaitConnected(Duration timeout) throws InterruptedException {
        long nanos = nanos(timeout);
        lock.lock();
        try {
            while (current == null && !stopping) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = changed.awaitNanos(nanos);
            }
            return Optional.ofNullable(current);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the connection is over or ending: {@link #close()} was called, the application closed
     * its session with 1000, the client was closed, or it gave up. No attempt starts once this is true.
     *
     * @return true once no more attempts will be made
     */
    public boolean isClosed() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the connection is over: it makes no more attempts, its last session has ended
     * (its handler's {@code onClose} and the listener's {@code onDisconnected} have run) and its
     * thread has finished. Call it after {@link #close()}; not from the handler or the listener.
     *
     * @param timeout the longest wait
     * @return true when the connection is over
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IllegalStateException when called on the connection's own thread (from the listener)
     */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("awaitClosed from the connection's own thread would wait for itself");
        }
        long nanos = nanos(timeout);
        return thread.join(Duration.ofNanos(Math.max(nanos, 0)));
    }

    /** Closes the connection with 1000 (Normal Closure); see {@link #close(CloseCode, String)}. */
    @Override
    public void close() {
        close(CloseCode.NORMAL_CLOSURE, "");
    }

    /**
     * Closes the connection: no new attempt starts, an attempt under way is cut short, a wait
     * between attempts ends at once, and the open session, if any, starts its closing handshake
     * with {@code code} and {@code reason}. Returns without waiting for the handshake;
     * {@link #awaitClosed} waits. Idempotent: only the first call's code is sent. May be called from
     * any thread, the handler and the listener included.
     *
     * @param code the close code for the open session, valid on the wire
     * @param reason the close reason, at most 123 UTF-8 bytes; may be empty
     * @throws IllegalArgumentException when the code may not be sent or the reason is too long
     */
    public void close(CloseCode code, String reason) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        if (!code.isValidOnWire()) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        ClosePayload.encode(code, reason); // the reason's length, checked now as the close frame will
        Session open = stop(code, reason);
        if (open != null) {
            open.close(code, reason);
        }
    }

    /** The client is closing (it closes the open session itself, with 1001). */
    private void clientClosed() {
        stop(CloseCode.GOING_AWAY, "client closing");
    }

    /** Stops the loop; returns the session to close, or null. */
    private Session stop(CloseCode code, String reason) {
        lock.lock();
        try {
            if (stopping) {
                return null;
            }
            stopping = true;
            stopCode = code;
            stopReason = reason;
            current = null;
            changed.signalAll();
            if (phase == Phase.WAITING || phase == Phase.CONNECTING) {
                thread.interrupt(); // ends the wait, or the blocking connect (which then closes its socket)
            }
            return phase == Phase.OPEN ? opening : null;
        } finally {
            lock.unlock();
        }
    }

    // ---- the connection's thread ----

    private void run() {
        int attempt = 0; // attempts in a row that have not opened a session
        int retry = 0; // the backoff's step: retries since the start, or since a session that stayed up
        Throwable cause = null; // why the last attempt failed, or the error the last session failed with
        boolean pause = false; // the first attempt goes at once; every later one waits
        try {
            while (true) {
                if (pause) {
                    retry = retry == Integer.MAX_VALUE ? retry : retry + 1;
                    if (!pause(attempt + 1, policy.delay(retry), cause)) {
                        return;
                    }
                }
                pause = true;
                attempt = attempt == Integer.MAX_VALUE ? attempt : attempt + 1;
                SessionTracker tracker = new SessionTracker(handler, policy.clock(), this::ending);
                Session session;
                try {
                    session = connect(attempt, tracker);
                } catch (IOException | RuntimeException e) {
                    if (!enter(Phase.BETWEEN)) {
                        return;
                    }
                    log.debug("{}: attempt {} to {} failed: {}", name, attempt, request.uri(), e.toString());
                    cause = e;
                    if (gaveUpAfter(attempt, cause)) {
                        return;
                    }
                    continue;
                }
                if (session == null) {
                    return; // close() came first
                }
                TrackedSession view = tracker.view(session);
                if (!tracker.awaitOpened() || !publish(view)) {
                    tracker.awaitEnded();
                    if (!enter(Phase.BETWEEN)) {
                        return;
                    }
                    // The handler's onOpen threw: the session failed with 1011 and the attempt counts as failed.
                    cause = tracker.error() != null ? tracker.error()
                            : new IOException("the session ended before its handler's onOpen returned: "
                                    + tracker.code() + " " + tracker.reason());
                    if (gaveUpAfter(attempt, cause)) {
                        return;
                    }
                    continue;
                }
                int number = attempt;
                log.debug("{}: connected to {} (attempt {})", name, request.uri(), number);
                tell("onConnected", () -> listener.onConnected(view, number));
                tracker.awaitEnded();
                unpublish(view);
                tell("onDisconnected", () -> listener.onDisconnected(tracker.code(), tracker.reason()));
                attempt = 0;
                cause = tracker.error();
                if (tracker.uptime().compareTo(policy.resetAfter()) >= 0) {
                    retry = 0;
                }
                if (CloseCode.NORMAL_CLOSURE.equals(view.closedWith())) {
                    log.debug("{}: the application closed its session with 1000: no reconnect", name);
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.error("{}: unexpected failure, no more attempts", name, e);
        } finally {
            over();
        }
    }

    /** Tells the listener, then waits; false when the connection is stopping. */
    private boolean pause(int next, Duration delay, Throwable cause) {
        if (!enter(Phase.BETWEEN)) {
            return false;
        }
        log.debug("{}: attempt {} to {} in {}", name, next, request.uri(), delay);
        tell("onRetryScheduled", () -> listener.onRetryScheduled(next, delay, cause));
        if (!enter(Phase.WAITING)) {
            return false;
        }
        try {
            policy.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            // close() cut the wait short; the caller's next enter() sees it.
        }
        return enter(Phase.BETWEEN);
    }

    /**
     * One attempt: tells the listener, connects. Returns the session, which is {@link Phase#OPEN}
     * from now, or null when the connection is stopping (a session that opened all the same is
     * closed and its end waited for).
     */
    private Session connect(int attempt, SessionTracker tracker) throws IOException {
        tell("onConnecting", () -> listener.onConnecting(attempt, request.uri()));
        if (!enter(Phase.CONNECTING)) {
            return null;
        }
        Session session = connector.connect(request, tracker);
        CloseCode code;
        String reason;
        lock.lock();
        try {
            Thread.interrupted(); // an interrupt comes only with stopping, seen here
            if (!stopping) {
                phase = Phase.OPEN;
                opening = session;
                return session;
            }
            code = stopCode;
            reason = stopReason;
        } finally {
            lock.unlock();
        }
        session.close(code, reason);
        tracker.awaitEnded();
        return null;
    }

    /**
     * Moves to the next phase unless the connection is stopping. Clears the interrupt that
     * {@link #stop} may have sent to the phase before: it sends one only with {@code stopping}.
     */
    private boolean enter(Phase next) {
        lock.lock();
        try {
            Thread.interrupted();
            if (stopping) {
                return false;
            }
            phase = next;
            opening = null;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The session's handler's onOpen returned: it is the current session, unless close() came first. */
    private boolean publish(TrackedSession view) {
        lock.lock();
        try {
            if (stopping) {
                return false;
            }
            current = view;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A session ended (called on its thread, before its handler's onClose). */
    private void ending(SessionTracker tracker) {
        TrackedSession view = tracker.view();
        if (view != null) {
            unpublish(view);
        }
    }

    private void unpublish(TrackedSession view) {
        lock.lock();
        try {
            if (current == view) {
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A failed attempt: true when the policy gives up after it (and the listener was told). */
    private boolean gaveUpAfter(int attempts, Throwable lastFailure) {
        if (!policy.givesUpAfter(attempts)) {
            return false;
        }
        lock.lock();
        try {
            stopping = true; // isClosed() from now on
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.info("{}: gave up on {} after {} failed attempts: {}", name, request.uri(), attempts,
                lastFailure.toString());
        tell("onGaveUp", () -> listener.onGaveUp(attempts, lastFailure));
        return true;
    }

    /** The thread ends: nothing is current, every waiter wakes, the client forgets this connection. */
    private void over() {
        lock.lock();
        try {
            stopping = true;
            phase = Phase.OVER;
            opening = null;
            current = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        detach.run();
    }

    private void tell(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("{}: the listener's {} failed", name, event, e);
        }
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return timeout.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * The connection, for logs.
     *
     * @return its name and URI
     */
    @Override
    public String toString() {
        return name + " to " + request.uri();
    }
}
