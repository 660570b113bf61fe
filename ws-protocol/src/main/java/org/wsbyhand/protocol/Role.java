package org.wsbyhand.protocol;

/**
 * Which end of a WebSocket connection this side plays. The role decides the masking direction
 * (RFC 6455 section 5.1: a client masks every frame it sends, a server masks none) and who
 * closes the TCP connection first (section 7.1.1: the server).
 */
public enum Role {
    /** The side that sent the opening handshake request. */
    CLIENT,
    /** The side that answered the opening handshake with 101 Switching Protocols. */
    SERVER;

    /**
     * The role of the other end.
     *
     * @return {@link #SERVER} for {@link #CLIENT}, and {@link #CLIENT} for {@link #SERVER}
     */
    public Role peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
