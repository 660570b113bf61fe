package org.wsbyhand.protocol;

/**
 * What a {@link Connection} tells its caller after consuming bytes: a complete message, a control
 * frame, or the peer's close. Events are immutable; the arrays they carry belong to the receiver.
 */
public sealed interface Event {

    /** A complete, validated text message. */
    record Text(String text) implements Event {}

    /** A complete binary message. The array is the receiver's to keep. */
    record Binary(byte[] data) implements Event {}

    /** A ping; the connection has already queued the pong (RFC 6455 section 5.5.2). */
    record Ping(byte[] payload) implements Event {}

    /** A pong, solicited or not (section 5.5.3). */
    record Pong(byte[] payload) implements Event {}

    /**
     * The peer's close frame. The connection has queued the echoing close frame unless it had sent
     * one already. {@code code} is {@link CloseCode#NO_STATUS_RECEIVED} for an empty close frame.
     */
    record Close(CloseCode code, String reason) implements Event {}
}
