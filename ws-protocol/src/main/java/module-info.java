/**
 * RFC 6455 WebSocket protocol as a pure state machine: no sockets, threads, clocks or dependencies.
 * Bytes go in, events and bytes to write come out. {@code org.wsbyhand.protocol.handshake} holds
 * the opening handshake, {@code org.wsbyhand.protocol.deflate} the permessage-deflate extension
 * (RFC 7692).
 */
module org.wsbyhand.protocol {
    exports org.wsbyhand.protocol;
    exports org.wsbyhand.protocol.handshake;
    exports org.wsbyhand.protocol.deflate;
}
