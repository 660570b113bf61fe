package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.protocol.handshake.ServerHandshake;

/**
 * Reads an HTTP request head from a blocking socket within a deadline, with the protocol module's
 * incremental {@link HttpHeadParser}; the RFC 6455 section 4.2.1 checks and the 101 response are
 * the protocol module's {@link ServerHandshake}. The server adds only what needs a socket or a
 * clock: the deadline, and the bytes that followed the head.
 */
final class Handshaker {
    private static final int READ_BUFFER = 1024;

    private Handshaker() {}

    /**
     * A head, its bytes as received (kept instead of the parsed fields by long-lived sessions), and
     * the bytes that followed it in the same reads (the client may pipeline frames).
     */
    record ReadHead(HttpRequest request, byte[] raw, byte[] leftover) {}

    /** The server's handshake: its subprotocols in preference order, and permessage-deflate when configured. */
    static ServerHandshake serverHandshake(List<String> subprotocols, Optional<DeflateOptions> compression) {
        ServerHandshake.Builder builder = ServerHandshake.builder().subprotocols(subprotocols);
        compression.ifPresent(options -> builder.extension(DeflateNegotiation.negotiator(options)));
        return builder.build();
    }

    /** No byte of the next request arrived in time: a kept-alive connection's quiet end, not an error. */
    static final class IdleTimeout extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        IdleTimeout() {
            super("no request before the deadline");
        }
    }

    /**
     * Reads one request head, starting with the {@code pending} bytes that followed the previous
     * request on the connection (a pipelining client) and going on with {@code in}, waiting at most
     * until {@code deadlineNanos} (a {@link System#nanoTime()} value) in total, however slowly the
     * bytes trickle in (a slowloris client cannot extend it by sending a byte at a time).
     *
     * @param pending the bytes already read behind the previous request, often none
     * @param firstBytes run once, when the first bytes of the head are there
     * @return the head, or empty when the client closed the connection before sending anything
     * @throws IdleTimeout            when the deadline passes before the first byte
     * @throws SocketTimeoutException when the deadline passes in the middle of the head
     * @throws HandshakeException     431 when the head exceeds the limits, 400 when it is malformed
     *                                or the connection ends inside it
     */
    static Optional<ReadHead> readHead(InputStream in, Socket socket, Limits limits, long deadlineNanos, byte[] pending,
            Runnable firstBytes) throws IOException, HandshakeException {
        HttpHeadParser parser = HttpHeadParser.forRequest(limits);
        byte[] raw = new byte[0];
        boolean any = pending.length > 0;
        if (any) {
            firstBytes.run();
            ByteBuffer bytes = ByteBuffer.wrap(pending);
            boolean complete = parser.feed(bytes);
            raw = Arrays.copyOf(pending, bytes.position());
            if (complete) {
                return Optional.of(new ReadHead(parser.request(), raw,
                        Arrays.copyOfRange(pending, bytes.position(), pending.length)));
            }
        }
        byte[] buf = new byte[READ_BUFFER];
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw any ? new SocketTimeoutException("handshake timeout") : new IdleTimeout();
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining))));
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw any ? e : new IdleTimeout();
            }
            if (n < 0) {
                if (!any) {
                    return Optional.empty();
                }
                throw HandshakeException.reject(400, "connection closed in the middle of the request head");
            }
            if (!any) {
                any = true;
                firstBytes.run();
            }
            ByteBuffer bytes = ByteBuffer.wrap(buf, 0, n);
            boolean complete = parser.feed(bytes);
            int consumed = bytes.position();
            int before = raw.length;
            raw = Arrays.copyOf(raw, before + consumed);
            System.arraycopy(buf, 0, raw, before, consumed);
            if (complete) {
                return Optional.of(new ReadHead(parser.request(), raw,
                        Arrays.copyOfRange(buf, bytes.position(), bytes.limit())));
            }
        }
    }
}
