package org.wsbyhand.session;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import org.wsbyhand.protocol.CloseCode;

/**
 * One open WebSocket connection as a handler sees it, on the server and on the client alike. The
 * send methods may be called from any thread; writes are serialized and frames never interleave.
 * They never block on a slow peer: bytes are queued up to the session's outbound bound
 * ({@code maxOutboundBytes}), and a message that would go over it is refused: the session is closed
 * with 1008 (policy violation), or, under {@link OverflowPolicy#DROP}, the message is dropped and
 * counted. Sending on a closed session is ignored and returns false.
 *
 * <p>A sender that wants to know when its bytes are written, or to slow down instead of being
 * refused, asks {@link #queuedBytes()} or waits with {@link #awaitQueuedBytesAtMost}: on a virtual
 * thread, waiting is cheap.
 */
public interface Session {

    /**
     * A server-unique id of this session, stable for its life.
     *
     * @return the session's id
     */
    String id();

    /**
     * The HTTP request that opened this session.
     *
     * @return the upgrade request
     */
    UpgradeRequest request();

    /**
     * The subprotocol negotiated in the opening handshake, if any.
     *
     * @return the subprotocol, or empty when none was agreed
     */
    Optional<String> subprotocol();

    /**
     * The client's address.
     *
     * @return the remote IP address and port
     */
    InetSocketAddress remoteAddress();

    /**
     * True until a close frame was sent or received, or the connection failed.
     *
     * @return {@code true} while messages can be sent
     */
    boolean isOpen();

    /**
     * Sends a text message. Returns false when the session was no longer open.
     *
     * @param text the message text
     * @return {@code true} if the message was queued; {@code false} if the session was not open, or could not
     *     take the message and was closed for it
     */
    boolean sendText(String text);

    /**
     * Sends a binary message; the buffer's remaining bytes are copied or owned by the session.
     *
     * @param data the message payload, from its position to its limit
     * @return {@code true} if the message was queued; {@code false} if the session was not open, or could not
     *     take the message and was closed for it
     */
    boolean sendBinary(ByteBuffer data);

    /**
     * Sends a binary message. The array must not be changed after the call.
     *
     * @param data the message payload
     * @return {@code true} if the message was queued; {@code false} if the session was not open, or could not
     *     take the message and was closed for it
     */
    default boolean sendBinary(byte[] data) {
        return sendBinary(ByteBuffer.wrap(data));
    }

    /**
     * Sends a message encoded once for many sessions (see {@link PreparedMessage}).
     *
     * @param message the prepared message
     * @return {@code true} if the message was queued; {@code false} if the session was not open, or could not
     *     take the message and was closed for it
     */
    boolean send(PreparedMessage message);

    /**
     * Whether this session negotiated permessage-deflate (RFC 7692): messages of at least
     * {@link org.wsbyhand.protocol.deflate.DeflateOptions#minMessageSize()} bytes go out compressed.
     *
     * @return {@code true} when permessage-deflate was agreed for this session
     */
    default boolean isCompressed() {
        return false;
    }

    /**
     * Sends a ping with at most 125 bytes of payload.
     *
     * @param payload the ping's application data, at most 125 bytes
     * @return {@code true} if the ping was queued; {@code false} if the session was not open, or could not
     *     take the ping and was closed for it
     */
    boolean sendPing(byte[] payload);

    /**
     * The bytes queued on this session and not yet written to the network: the peer's backlog as
     * this side sees it.
     *
     * @return the unsent bytes now
     */
    long queuedBytes();

    /**
     * Blocks until at most {@code bytes} are unsent, for backpressure ({@code awaitQueuedBytesAtMost(highWater,
     * timeout)} before the next send) or to know that what was sent so far is written
     * ({@code awaitQueuedBytesAtMost(0, timeout)}). Written means handed to the operating system, not
     * received by the peer. May be called from a handler callback too.
     *
     * @param bytes the most unsent bytes to wait for
     * @param timeout the longest wait
     * @return {@code true} when at most {@code bytes} are unsent; {@code false} when the time was up or the
     *     connection failed with bytes unsent
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitQueuedBytesAtMost(long bytes, java.time.Duration timeout) throws InterruptedException;

    /** Starts the closing handshake with 1000 Normal Closure. */
    default void close() {
        close(CloseCode.NORMAL_CLOSURE, "");
    }

    /**
     * Starts the closing handshake with a code that is valid on the wire and a reason of at most 123
     * UTF-8 bytes. The handler's {@code onClose} runs when the handshake completes or times out.
     *
     * @param code the close code to send
     * @param reason the reason to send, at most 123 UTF-8 bytes; may be empty
     */
    void close(CloseCode code, String reason);

    /**
     * Application data attached to this session, for the handler's own use.
     *
     * @return the session's mutable attribute map
     */
    ConcurrentMap<String, Object> attributes();

    /**
     * A typed attribute: set by the upgrade hook that accepted the session, or by
     * {@link #attribute(AttributeKey, Object)}.
     *
     * @param key the attribute's key
     * @param <T> the type of the value
     * @return the value, or empty when none is set
     */
    <T> Optional<T> attribute(AttributeKey<T> key);

    /**
     * Sets a typed attribute, or removes it when {@code value} is null. Safe from any thread.
     *
     * @param key the attribute's key
     * @param value the value, or null to remove it
     * @param <T> the type of the value
     * @throws ClassCastException when the value is not of the key's type
     */
    <T> void attribute(AttributeKey<T> key, T value);
}
