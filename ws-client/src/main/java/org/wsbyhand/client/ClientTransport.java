package org.wsbyhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.session.core.Transport;

/**
 * A client session's {@link Transport} over its socket. At the end of a session the client waits
 * for the server to close TCP first (RFC 6455 7.1.1), so that the server, not the client, holds
 * TIME_WAIT: it sends no FIN of its own but reads and drops what is left until the server's end of
 * stream, for at most the close timeout and {@link #MAX_DRAIN_BYTES}, and only then closes.
 */
final class ClientTransport implements Transport {
    /** The most bytes read and dropped while waiting for the server to close. */
    static final long MAX_DRAIN_BYTES = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    ClientTransport(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
        out.flush();
    }

    @Override
    public void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void finish(Connection.TransportAction action, long nanos) {
        try {
            long deadline = System.nanoTime() + nanos;
            byte[] sink = new byte[4096];
            long drained = 0;
            while (drained < MAX_DRAIN_BYTES) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.clamp(TimeUnit.NANOSECONDS.toMillis(left), 1, Integer.MAX_VALUE));
                int n = in.read(sink);
                if (n < 0) {
                    break; // the server closed first, as it should
                }
                drained += n;
            }
        } catch (IOException e) {
            // Timed out or reset: close either way.
        } finally {
            abort();
        }
    }
}
