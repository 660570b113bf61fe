package org.wsbyhand.protocol;

import java.nio.ByteBuffer;

/**
 * One WebSocket connection after the opening handshake, as a pure state machine (RFC 6455 sections
 * 5-7): bytes received go in through {@link #receive}, events come out of {@link #pollEvent} and
 * bytes to write come out of {@link #pollOutbound}. It never blocks, never reads a clock and never
 * calls application code; timeouts, sockets and threads belong to the caller.
 *
 * <p>Not thread-safe: a caller that sends from several threads serializes calls with a lock.
 */
public final class Connection {
    // API skeleton; implementation in progress.

    /** The state of the closing handshake. */
    public enum State {
        /** Messages flow both ways. */
        OPEN,
        /** This side sent a close frame and waits for the peer's. */
        CLOSING,
        /** Both close frames were exchanged, or the connection failed. Nothing more is sent. */
        CLOSED
    }

    /** A connection with the default limits and, for clients, SecureRandom mask keys. */
    public Connection(Role role) {
        this(role, Limits.defaults(), MaskKeys.secureRandom());
    }

    /** A connection with the given limits. */
    public Connection(Role role, Limits limits) {
        this(role, limits, MaskKeys.secureRandom());
    }

    /** A connection whose client frames take their mask keys from {@code maskKeys}. */
    public Connection(Role role, Limits limits, MaskKeys maskKeys) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Consumes every remaining byte of {@code data} (any chunking: part of a frame, many frames).
     * Complete messages and control frames become events; pings are answered and the peer's close
     * is echoed in the outbound queue. Payload bytes may be unmasked in place in {@code data}.
     *
     * @throws ProtocolException when the peer broke the protocol or a limit. The connection has then
     *     queued a close frame with the violation's code and is {@link State#CLOSED}; events decoded
     *     before the violation can still be polled; the caller writes the outbound bytes and closes
     *     the transport. Bytes received after that are ignored.
     */
    public void receive(ByteBuffer data) throws ProtocolException {
        throw new UnsupportedOperationException("in progress");
    }

    /** The next event, or {@code null} when there is none. */
    public Event pollEvent() {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * The next buffer of bytes to write to the transport, in order, or {@code null} when there is
     * none. The caller writes all its remaining bytes and must not modify them.
     */
    public ByteBuffer pollOutbound() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Whether {@link #pollOutbound} has something. */
    public boolean hasOutbound() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Total bytes queued in the outbound buffers. */
    public long outboundBytes() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Queues a text message as one frame. @throws IllegalStateException unless {@link State#OPEN} */
    public void sendText(CharSequence text) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Queues a binary message (the buffer's remaining bytes) as one frame; the buffer is not copied for servers. */
    public void sendBinary(ByteBuffer data) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Queues one frame of a possibly fragmented message: the first with {@link Opcode#TEXT} or
     * {@link Opcode#BINARY}, later ones with {@link Opcode#CONTINUATION}, the last with {@code fin}.
     * @throws IllegalStateException on an out-of-order fragment or unless {@link State#OPEN}
     */
    public void sendFrame(Opcode opcode, ByteBuffer payload, boolean fin) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Queues an already encoded, unmasked server frame (the same bytes may go to many connections).
     * Server role only. @throws IllegalStateException unless {@link State#OPEN} or mid-fragmented-send
     */
    public void sendEncoded(ByteBuffer frame) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Queues a ping of at most 125 bytes. */
    public void sendPing(ByteBuffer payload) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Queues an unsolicited pong of at most 125 bytes. */
    public void sendPong(ByteBuffer payload) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Starts the closing handshake: queues a close frame and moves to {@link State#CLOSING}.
     * Ignored unless {@link State#OPEN}.
     * @throws IllegalArgumentException when the code is not valid on the wire or the reason is longer than 123 UTF-8 bytes
     */
    public void close(CloseCode code, String reason) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Tells the connection the transport ended (EOF or error). Moves to {@link State#CLOSED}; when no
     * close frame was received, {@link #closeCode()} becomes 1006.
     */
    public void transportClosed() {
        throw new UnsupportedOperationException("in progress");
    }

    /** The current state. */
    public State state() {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * The close code to report once {@link State#CLOSED}: the peer's code (1005 if its close frame
     * had none), else the code this side failed or closed with, else 1006. {@code null} before.
     */
    public CloseCode closeCode() {
        throw new UnsupportedOperationException("in progress");
    }

    /** The close reason that goes with {@link #closeCode()}, empty when none. */
    public String closeReason() {
        throw new UnsupportedOperationException("in progress");
    }

    /** This side's role. */
    public Role role() {
        throw new UnsupportedOperationException("in progress");
    }
}
