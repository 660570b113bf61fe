/**
 * RFC 6455 WebSocket protocol as a pure state machine: no sockets, threads, clocks or dependencies.
 * Bytes go in, events and bytes to write come out.
 */
module org.wsbyhand.protocol {
    exports org.wsbyhand.protocol;
    exports org.wsbyhand.protocol.handshake;
}
