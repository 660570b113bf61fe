package org.wsbyhand.server;

import java.util.Map;
import org.wsbyhand.protocol.CloseCode;

/**
 * A snapshot of a server's counters since it started. Each counter is read atomically, the
 * snapshot as a whole is not (counters keep moving while it is taken).
 *
 * @param openConnections  connections open now, of any kind (TLS or HTTP head in progress, plain
 *                         HTTP answers, WebSocket sessions): the slots {@link ServerConfig#maxConnections()}
 *                         limits
 * @param openSessions     WebSocket sessions open now, from their 101 response to the end of their
 *                         {@code onClose}; {@link WebSocketServer#sessions()} lists those that have started
 * @param parkedSessions   open sessions waiting without a thread of their own (idle longer than
 *                         {@link ServerConfig#threadRelease()})
 * @param connectionsRefused connections closed on arrival (answered 503 when possible) because the
 *                         server or their address had no free slot
 * @param upgradesAccepted opening handshakes answered with 101
 * @param upgradesRejected upgrade requests answered with an HTTP error status (4xx, 5xx)
 * @param httpRequests     plain HTTP requests answered (static files and their errors)
 * @param messagesIn       text and binary messages received
 * @param messagesOut      text and binary messages queued for sending
 * @param bytesIn          bytes read from sessions' sockets after the upgrade
 * @param bytesOut         bytes written to sessions' sockets after the upgrade
 * @param slowConsumers    sessions closed with 1008 because their unsent bytes would have exceeded
 *                         {@link ServerConfig#maxOutboundBytes()}
 * @param messagesDropped  messages refused because they would have taken a session over
 *                         {@link ServerConfig#maxOutboundBytes()} under
 *                         {@link org.wsbyhand.session.OverflowPolicy#DROP}
 * @param closesByCode     sessions ended, by the close code reported to the handler's {@code onClose}
 *                         (1006 when the peer never answered the server's close frame)
 * @param compression      permessage-deflate traffic, part of the messages and bytes above
 * @param memory           the memory budget and what is held of it now
 */
public record ServerStats(
        int openConnections,
        int openSessions,
        int parkedSessions,
        long connectionsRefused,
        long upgradesAccepted,
        long upgradesRejected,
        long httpRequests,
        long messagesIn,
        long messagesOut,
        long bytesIn,
        long bytesOut,
        long slowConsumers,
        long messagesDropped,
        Map<CloseCode, Long> closesByCode,
        Compression compression,
        Memory memory) {

    /**
     * The server's memory budget ({@link ServerConfig#memoryBudget()}) and its use.
     *
     * @param budget   the budget in bytes
     * @param held     bytes held on behalf of clients now: message buffers, read buffers beyond
     *                 their first 512 bytes, unsent bytes (summed over the connections without
     *                 stopping them, so approximate while they move)
     * @param share    bytes every connection may hold without competing for the shared half
     * @param refusals messages and sessions ended with 1013 because the budget had no room for them
     */
    public record Memory(long budget, long held, long share, long refusals) {}

    /**
     * permessage-deflate traffic (RFC 7692): messages that crossed the wire compressed, and their
     * payload sizes before and after compression (frame headers not included).
     *
     * @param messagesIn        compressed messages received and inflated
     * @param compressedBytesIn their payload bytes as received
     * @param inflatedBytesIn   their payload bytes after inflating
     * @param messagesOut       messages sent compressed (broadcasts counted once per session)
     * @param originalBytesOut  their payload bytes before compressing
     * @param compressedBytesOut their payload bytes as sent
     */
    public record Compression(long messagesIn, long compressedBytesIn, long inflatedBytesIn,
            long messagesOut, long originalBytesOut, long compressedBytesOut) {

        /**
         * Original size over sent size of outgoing compressed payloads, 0 when none were sent.
         *
         * @return the outgoing compression ratio, or 0
         */
        public double ratioOut() {
            return compressedBytesOut == 0 ? 0 : (double) originalBytesOut / compressedBytesOut;
        }

        /**
         * Inflated size over received size of incoming compressed payloads, 0 when none arrived.
         *
         * @return the incoming compression ratio, or 0
         */
        public double ratioIn() {
            return compressedBytesIn == 0 ? 0 : (double) inflatedBytesIn / compressedBytesIn;
        }
    }

    /** Makes the map immutable. */
    public ServerStats {
        closesByCode = Map.copyOf(closesByCode);
        java.util.Objects.requireNonNull(compression, "compression");
        java.util.Objects.requireNonNull(memory, "memory");
    }

    /**
     * Sessions that ended with the given close code.
     *
     * @param code the close code
     * @return the number of sessions that ended with {@code code}
     */
    public long closes(CloseCode code) {
        return closesByCode.getOrDefault(code, 0L);
    }
}
