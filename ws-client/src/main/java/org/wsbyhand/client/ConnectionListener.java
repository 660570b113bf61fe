package org.wsbyhand.client;

import java.net.URI;
import java.time.Duration;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;

/**
 * What a {@link ReconnectingConnection} tells the application about its connection, for a status
 * line or a log. Every method has a default that does nothing.
 *
 * <p>The methods are called one at a time, in the order things happen, on the connection's own
 * virtual thread: {@code onConnecting}, then {@code onConnected} or {@code onRetryScheduled} (or
 * {@code onGaveUp}); after {@code onConnected}, {@code onDisconnected} once that session has ended,
 * then {@code onRetryScheduled} unless the connection is over. A method may call
 * {@link ReconnectingConnection#close()}; it should not block for long, since the next attempt
 * waits for it. An exception it throws is logged and otherwise ignored.
 */
public interface ConnectionListener {

    /**
     * A listener that ignores everything.
     *
     * @return a listener whose methods do nothing
     */
    static ConnectionListener none() {
        return new ConnectionListener() {};
    }

    /**
     * An attempt to connect starts.
     *
     * @param attempt the attempt's number: 1 for the first attempt, and again for the first attempt
     *     after a session ended; it counts up while attempts fail
     * @param uri where to
     */
    default void onConnecting(int attempt, URI uri) {}

    /**
     * A session is open and its handler's {@code onOpen} (the place to subscribe again) has
     * returned. It is {@link ReconnectingConnection#current()} from now until it ends.
     *
     * @param session the new session, as the handler sees it
     * @param attempt the number of the attempt that opened it
     */
    default void onConnected(Session session, int attempt) {}

    /**
     * The session that {@link #onConnected} announced has ended, after its handler's {@code onClose}.
     *
     * @param code the close code the handler's {@code onClose} got: the server's, also when it answers
     *     a close this side started; 1006 when the connection dropped
     * @param reason the close reason that came with it, empty when none
     */
    default void onDisconnected(CloseCode code, String reason) {}

    /**
     * The connection waits, then tries again.
     *
     * @param attempt the number of the coming attempt
     * @param delay how long it waits first
     * @param cause why: the failure of the attempt before (usually a {@link WebSocketConnectException});
     *     after a session ended, the error it failed with (what its handler's {@code onError} got),
     *     or null when it was closed without one
     */
    default void onRetryScheduled(int attempt, Duration delay, Throwable cause) {}

    /**
     * The policy's {@link ReconnectPolicy#maxAttempts()} failed attempts in a row: the connection
     * makes no more.
     *
     * @param attempts how many attempts failed in a row
     * @param lastFailure why the last one failed (usually a {@link WebSocketConnectException})
     */
    default void onGaveUp(int attempts, Throwable lastFailure) {}
}
