package org.wsbyhand.server;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * Closing a socket after an answer without losing the answer: RFC 6455 7.1.1 has the server close
 * the TCP connection first, and an HTTP server does the same after a response it will not keep
 * alive. If the client's unread bytes are still in our receive buffer when the socket closes, the
 * kernel answers with a reset, which can destroy the answer before the client reads it. So the
 * output is shut down (FIN after the answer) and the input read and discarded until the client's
 * FIN, bounded in time and bytes.
 */
final class Linger {
    /** Bytes discarded at most while waiting for the client's FIN. */
    static final int MAX_BYTES = 1 << 20;

    private Linger() {}

    /**
     * Half-closes {@code socket} and reads until the client's FIN, the deadline (in
     * {@code timeoutNanos}) or {@code maxBytes}; does not close the socket.
     */
    static void shutdown(Socket socket, long timeoutNanos, int maxBytes) {
        if (socket instanceof SSLSocket || socket.isClosed()) {
            return;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            socket.shutdownOutput();
            byte[] discard = new byte[512];
            int total = 0;
            while (total < maxBytes) {
                int timeout = millisUntil(deadline);
                if (timeout <= 0) {
                    return;
                }
                socket.setSoTimeout(timeout);
                int n = socket.getInputStream().read(discard);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // Timed out or reset: the socket is closed next either way.
        }
    }

    /** Milliseconds until a {@link System#nanoTime()} deadline, at least 1 while it is ahead, else 0. */
    static int millisUntil(long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining)));
    }
}
