package org.wsbyhand.server;

import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.Session;

/**
 * Hears what the server does, for metrics, tracing or audit: handshakes, sessions opened and
 * closed (with what each carried), slow consumers and protocol violations. Register listeners with
 * {@link ServerBuilder#listener(ServerListener)}; each may be registered more than once and they are
 * called in the order registered. Every method does nothing by default. The same facts are recorded
 * as JFR events ({@link org.wsbyhand.server.jfr}); totals that are current while sessions are open
 * are in {@link WebSocketServer#stats()}. Messages are not reported one by one: the session's counts
 * come with {@link #sessionClosed}.
 *
 * <p><b>Threads.</b> Every method but {@link #started} and {@link #slowConsumer} is called on the
 * thread of the connection it is about, never holding a lock of the server's. Calls about one
 * session come in order: {@link #handshake}, {@link #sessionOpened}, then {@link #protocolViolation} or
 * {@link #slowConsumer} if any, and {@link #sessionClosed} last; calls about different connections
 * come concurrently. A listener must be thread-safe, quick, and must not block: the connection waits
 * for it. An exception it throws is caught and logged (WARN), and the other listeners still hear
 * the event.
 */
public interface ServerListener {

    /**
     * The server listens; called once, on the thread that called {@link WebSocketServer#start()},
     * before {@code start()} returns.
     *
     * @param server the server, whose {@link WebSocketServer#stats()} the listener may read from now on
     */
    default void started(WebSocketServer server) {}

    /**
     * An upgrade request was answered: with 101, or refused with an error status. Requests whose head
     * could not be read in time or parsed count too (408, 400, 431, with an empty path); plain HTTP
     * requests (static files) do not. Called after the answer was written; for a 101, before
     * {@link #sessionOpened}.
     *
     * @param handshake the path, the status and how long it took
     */
    default void handshake(HandshakeSummary handshake) {}

    /**
     * A session started: its 101 was written; called just before its handler's {@code onOpen}.
     *
     * @param session the new session
     */
    default void sessionOpened(Session session) {}

    /**
     * A session ended; called once per opened session, before its handler's {@code onError} and
     * {@code onClose}, once every byte it will send was written or given up on.
     *
     * @param summary how it ended and what it carried
     */
    default void sessionClosed(SessionSummary summary) {}

    /**
     * A send went over a session's bound on unsent bytes ({@link ServerConfig#maxOutboundBytes()}).
     * Under {@link OverflowPolicy#CLOSE} the session is closing with 1008 and this comes once. Under
     * {@link OverflowPolicy#DROP} the message was refused and the session stays open; this comes for
     * the first refused message, then not again until a message fits (each refused message is counted
     * in {@link ServerStats#messagesDropped()}). Called on the thread that sent, which may be any
     * thread (a broadcaster, another session's handler), or the session's own when the protocol's own
     * frames (pongs) overflowed it; never holding the session's lock.
     *
     * @param session the session
     * @param bound the bound
     * @param queuedBytes its unsent bytes at that moment, the refused message not included
     * @param policy what was done: the session closed, or the message dropped
     */
    default void slowConsumer(Session session, long bound, long queuedBytes, OverflowPolicy policy) {}

    /**
     * The client broke a protocol rule or a limit; the session is failing with {@code code}. Called
     * before {@link #sessionClosed}.
     *
     * @param session the session
     * @param violation the rule
     * @param code the close code sent to the client
     */
    default void protocolViolation(Session session, Violation violation, CloseCode code) {}
}
