package org.wsbyhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.wsbyhand.client.WebSocketConnectException.Failure;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.handshake.ClientHandshake;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.HttpHeadParser;
import org.wsbyhand.protocol.handshake.HttpResponse;

/**
 * The opening handshake of one attempt over an open stream (RFC 6455 4.1): sends the request with
 * a fresh key, reads the answer's head (bounded by the head size limit, within the handshake
 * deadline) and either validates the 101, reports a redirect, or fails with the status and the
 * start of the body.
 */
final class Upgrader {
    /** What the handshake ended with. */
    sealed interface Outcome permits Upgraded, Redirect {}

    /**
     * The server accepted.
     *
     * @param handshake the handshake sent
     * @param result the validated answer
     * @param deflate the permessage-deflate agreement, or null
     * @param leftover bytes that arrived behind the 101 (the server's first frames)
     */
    record Upgraded(ClientHandshake handshake, HandshakeResult result, DeflateParameters deflate, byte[] leftover)
            implements Outcome {}

    /**
     * The server redirected.
     *
     * @param status the 3xx status
     * @param location the {@code Location} value, unresolved
     */
    record Redirect(int status, String location) implements Outcome {}

    private static final int READ_CHUNK = 2048;

    private final ClientConfig config;

    Upgrader(ClientConfig config) {
        this.config = config;
    }

    /** Runs the handshake; every read waits at most what is left of {@code deadline} ({@link System#nanoTime()}). */
    Outcome upgrade(Socket socket, ClientRequest request, long deadline) throws IOException {
        URI uri = request.uri();
        ClientHandshake.Builder builder = ClientHandshake.builder(request.host()).resource(request.resource());
        if (uri.getPort() >= 0) {
            builder.port(uri.getPort());
        }
        if (!request.subprotocols().isEmpty()) {
            builder.subprotocols(request.subprotocols().toArray(String[]::new));
        }
        config.compression().ifPresent(options -> builder.extension(DeflateNegotiation.offer(options)));
        request.origin().ifPresent(builder::origin);
        request.headers().forEach(header -> builder.header(header.name(), header.value()));
        ClientHandshake handshake = builder.build();

        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        try {
            out.write(handshake.request().toBytes());
            out.flush();
            HttpHeadParser parser = HttpHeadParser.forResponse(config.limits());
            byte[] buffer = new byte[READ_CHUNK];
            ByteBuffer view = ByteBuffer.wrap(buffer, 0, 0);
            while (!parser.isComplete()) {
                timeout(socket, deadline);
                int n = in.read(buffer);
                if (n < 0) {
                    throw new WebSocketConnectException(Failure.IO, uri, "the server closed the connection "
                            + "before it answered the opening handshake", null);
                }
                view.limit(n).position(0);
                parser.feed(view);
            }
            byte[] leftover = Arrays.copyOfRange(buffer, view.position(), view.limit());
            HttpResponse response = parser.response();
            int status = response.status();
            if (status == 101) {
                return accepted(uri, handshake, response, leftover);
            }
            Optional<String> location = response.headers().first("Location");
            if (isRedirect(status) && location.isPresent()) {
                return new Redirect(status, location.get());
            }
            byte[] body = Bodies.read(response, leftover, in, config.maxErrorBodyBytes(), () -> timeout(socket, deadline));
            throw new WebSocketConnectException(Failure.REJECTED, uri, "the server answered " + status + " "
                    + response.reason() + " instead of 101 Switching Protocols", null, status, body, null);
        } catch (SocketTimeoutException e) {
            throw new WebSocketConnectException(Failure.HANDSHAKE_TIMEOUT, uri,
                    "no answer to the opening handshake within the handshake timeout " + config.handshakeTimeout(), e);
        } catch (HandshakeException e) {
            throw new WebSocketConnectException(Failure.IO, uri, "malformed answer to the opening handshake: "
                    + e.reason(), e);
        }
    }

    private Upgraded accepted(URI uri, ClientHandshake handshake, HttpResponse response, byte[] leftover)
            throws WebSocketConnectException {
        try {
            HandshakeResult result = handshake.validate(response);
            DeflateParameters deflate = config.compression().isEmpty() ? null
                    : DeflateNegotiation.clientAgreement(result, config.compression().get()).orElse(null);
            return new Upgraded(handshake, result, deflate, leftover);
        } catch (HandshakeException e) {
            throw new WebSocketConnectException(Failure.INVALID_HANDSHAKE, uri, "invalid 101 answer: " + e.reason(),
                    e, 101, null, e.failure());
        }
    }

    /** A read may wait what is left of the deadline, so a server that trickles bytes cannot extend it. */
    private static void timeout(Socket socket, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("handshake deadline passed");
        }
        socket.setSoTimeout((int) Math.clamp(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left), 1,
                Integer.MAX_VALUE));
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }
}
