package org.wsbyhand.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.session.Session;

/**
 * How one session ended and what it carried, for {@link ServerListener#sessionClosed}. The counts
 * are this session's alone; {@link WebSocketServer#stats()} has the server's totals.
 *
 * @param session the session (closed now)
 * @param path the path it was upgraded on
 * @param code the close code its handler hears: the peer's or ours after a closing handshake, the
 *             violation's after a failure, 1006 when the transport ended without a closing handshake
 * @param reason the close reason its handler hears
 * @param ending who closed first: {@link Connection.Ending#LOCAL_CLOSE} (the server, and the client
 *               answered), {@link Connection.Ending#PEER_CLOSE} (the client), {@link Connection.Ending#FAILURE}
 *               (the client broke the protocol or a limit) or {@link Connection.Ending#TRANSPORT_ENDED}
 *               (the connection ended before a closing handshake completed, e.g. a client that never
 *               answered the server's close)
 * @param duration from the 101 to the end
 * @param messagesIn text and binary messages received
 * @param messagesOut text and binary messages queued for sending
 * @param bytesIn bytes read from the socket after the 101
 * @param bytesOut bytes written to the socket after the 101
 * @param outboundHighWater the most unsent bytes the session held at once
 * @param compression its permessage-deflate traffic (with {@link ServerStats.Compression#ratioIn()} and
 *                    {@link ServerStats.Compression#ratioOut()}); empty when not negotiated
 */
public record SessionSummary(Session session, String path, CloseCode code, String reason, Connection.Ending ending,
        Duration duration, long messagesIn, long messagesOut, long bytesIn, long bytesOut, long outboundHighWater,
        Optional<ServerStats.Compression> compression) {

    /** Requires every object component. */
    public SessionSummary {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(ending, "ending");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(compression, "compression");
    }
}
