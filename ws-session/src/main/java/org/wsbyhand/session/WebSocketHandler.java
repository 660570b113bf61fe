package org.wsbyhand.session;

import org.wsbyhand.protocol.CloseCode;

/**
 * What an application implements to serve WebSocket connections on a route. Every method has a
 * default that does nothing.
 *
 * <p>Contract: the callbacks of one session run in order on that session's own (virtual) thread,
 * never concurrently. {@code onOpen} runs first, before any message callback; {@code onClose} runs
 * exactly once, last, however the connection ended (close handshake, protocol violation, timeout,
 * network error, server shutdown). {@code onError} runs before {@code onClose} when the connection
 * fails for a reason other than a clean close. Pings are answered automatically. A callback may
 * block: while it does, no more frames are read from that client, which is the backpressure.
 * An exception thrown by a callback is logged and fails the connection with 1011.
 */
public interface WebSocketHandler {

    /**
     * The opening handshake completed; the session can send from now on.
     *
     * @param session the new session
     */
    default void onOpen(Session session) {}

    /**
     * A complete, UTF-8-validated text message arrived.
     *
     * @param session the session the message arrived on
     * @param text the message text
     */
    default void onText(Session session, String text) {}

    /**
     * A complete binary message arrived. The array is the handler's to keep.
     *
     * @param session the session the message arrived on
     * @param data the message payload
     */
    default void onBinary(Session session, byte[] data) {}

    /**
     * A pong arrived (answering the server's heartbeat ping or one sent with {@link Session#sendPing}).
     *
     * @param session the session the pong arrived on
     * @param payload the pong's application data
     */
    default void onPong(Session session, byte[] payload) {}

    /**
     * The connection failed: a protocol violation by the peer, a limit exceeded, a timeout, an I/O
     * error or an exception thrown by this handler. {@link #onClose} follows.
     *
     * @param session the session that failed
     * @param error what went wrong
     */
    default void onError(Session session, Throwable error) {}

    /**
     * The connection is closed. {@code code} is the peer's close code after a close handshake, the
     * code the server failed the connection with, or 1006 when the connection dropped without one.
     *
     * @param session the closed session
     * @param code the close code
     * @param reason the close reason, empty when none
     */
    default void onClose(Session session, CloseCode code, String reason) {}
}
