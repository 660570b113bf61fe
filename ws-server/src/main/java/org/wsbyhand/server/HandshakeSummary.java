package org.wsbyhand.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * An upgrade request as answered, for {@link ServerListener#handshake}.
 *
 * @param path the request's path, percent-decoded (as it was received when it could not be decoded);
 *             empty when the head itself could not be read
 * @param status 101, or the HTTP status the upgrade was refused with
 * @param duration from the first byte of the request head (or from the connection's start, when none
 *                 arrived) to the answer written
 * @param remoteAddress the client's address
 */
public record HandshakeSummary(String path, int status, Duration duration, InetSocketAddress remoteAddress) {

    /** Requires every component. */
    public HandshakeSummary {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /**
     * Whether the upgrade was accepted.
     *
     * @return {@code true} for a 101
     */
    public boolean accepted() {
        return status == 101;
    }
}
