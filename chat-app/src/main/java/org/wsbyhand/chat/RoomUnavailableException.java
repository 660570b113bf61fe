package org.wsbyhand.chat;

/**
 * The room could not accept or deliver a message right now: its {@link MessageStore} or
 * {@link Broadcaster} failed (for example a remote store is unreachable). The sender gets an
 * {@code unavailable} error reply, never a false success; the connection stays open so the client
 * can try again.
 */
public class RoomUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message for the log and the cause, if any. */
    public RoomUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With a message for the log. */
    public RoomUnavailableException(String message) {
        super(message);
    }
}
