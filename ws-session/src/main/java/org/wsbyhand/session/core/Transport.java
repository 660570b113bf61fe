package org.wsbyhand.session.core;

import java.io.IOException;
import org.wsbyhand.protocol.Connection;

/**
 * The byte stream a session runs over: a socket for the server and the client, in-memory streams
 * in tests. One thread reads ({@link #read}); one thread at a time writes ({@link #write}); any
 * thread may {@link #abort}.
 */
public interface Transport {
    /** What {@link #read} returns when the opener took the session's thread away (see {@link SessionLoop}). */
    int RELEASED = -2;

    /**
     * Reads at least one byte, blocking until there is one.
     *
     * @param buffer where to put the bytes
     * @param offset the first index to fill
     * @param length the most bytes to read
     * @return the number of bytes read, -1 at the end of the stream, or {@link #RELEASED}
     * @throws IOException when the transport failed
     */
    int read(byte[] buffer, int offset, int length) throws IOException;

    /**
     * Writes and flushes bytes, blocking until the transport took them.
     *
     * @param buffer the bytes
     * @param offset the first index to write
     * @param length how many bytes to write
     * @throws IOException when the transport failed
     */
    void write(byte[] buffer, int offset, int length) throws IOException;

    /** Closes the transport at once, from any thread; blocked reads and writes fail. Idempotent. */
    void abort();

    /**
     * The session ended with everything written: close the transport the way the protocol says
     * (RFC 6455 7.1.1), waiting at most {@code nanos} for the peer, then close it for good.
     *
     * @param action {@link Connection.TransportAction#CLOSE} (a server: half-close, drain briefly, close) or
     *     {@link Connection.TransportAction#AWAIT_SERVER_CLOSE} (a client: wait for the server to close first)
     * @param nanos the longest wait for the peer
     */
    void finish(Connection.TransportAction action, long nanos);

    /** A handler callback returned: a chance for the opener to share the carrier (see the server's busy readers). */
    default void dispatched() {}
}
