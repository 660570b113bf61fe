package org.wsbyhand.server;

import org.wsbyhand.server.jfr.HandshakeEvent;

/**
 * Times one connection's handshake for {@link Observers#handshake}: started with the connection,
 * started again when the first byte of the request head arrives. Used by the connection's thread only.
 */
final class HandshakeTiming {
    final HandshakeEvent event = new HandshakeEvent();
    long startNanos;

    HandshakeTiming() {
        start();
    }

    /** From now on. */
    void start() {
        startNanos = System.nanoTime();
        event.begin();
    }
}
