/**
 * RFC 6455 WebSocket protocol as a pure state machine: no sockets, threads, clocks or dependencies.
 * Bytes go in, events and bytes to write come out. {@code org.wsbyhand.protocol.deflate} adds the
 * permessage-deflate extension (RFC 7692).
 */
module org.wsbyhand.protocol {
    exports org.wsbyhand.protocol;
    exports org.wsbyhand.protocol.deflate;
}
