package org.wsbyhand.server;

import java.util.Map;
import org.wsbyhand.protocol.CloseCode;

/**
 * A snapshot of a server's counters since it started. Each counter is read atomically, the
 * snapshot as a whole is not (counters keep moving while it is taken).
 *
 * @param openSessions     WebSocket sessions open now
 * @param upgradesAccepted opening handshakes answered with 101
 * @param upgradesRejected upgrade requests answered with an HTTP error status (4xx, 5xx)
 * @param httpRequests     plain HTTP requests answered (static files and their errors)
 * @param messagesIn       text and binary messages received
 * @param messagesOut      text and binary messages queued for sending
 * @param bytesIn          bytes read from sessions' sockets after the upgrade
 * @param bytesOut         bytes written to sessions' sockets after the upgrade
 * @param slowConsumers    sessions closed with 1008 because their unsent bytes would have exceeded
 *                         {@link ServerConfig#maxOutboundBytes()}
 * @param closesByCode     sessions ended, by the close code reported to the handler's {@code onClose}
 *                         (1006 when the peer never answered the server's close frame)
 */
public record ServerStats(
        int openSessions,
        long upgradesAccepted,
        long upgradesRejected,
        long httpRequests,
        long messagesIn,
        long messagesOut,
        long bytesIn,
        long bytesOut,
        long slowConsumers,
        Map<CloseCode, Long> closesByCode) {

    /** Makes the map immutable. */
    public ServerStats {
        closesByCode = Map.copyOf(closesByCode);
    }

    /** Sessions that ended with the given close code. */
    public long closes(CloseCode code) {
        return closesByCode.getOrDefault(code, 0L);
    }
}
