package org.wsbyhand.client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.wsbyhand.protocol.handshake.HandshakeFailure;

/**
 * A connection attempt failed before the session opened. {@link #failure()} says at which step; the
 * step's details (the HTTP status, a bounded part of the answer's body, the handshake rule broken)
 * are here when that step has them, and the underlying exception is the cause.
 */
public final class WebSocketConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The step of a connection attempt that failed. */
    public enum Failure {
        /** The host name could not be resolved. */
        UNKNOWN_HOST,
        /** The server (or the proxy) refused the TCP connection or was unreachable. */
        REFUSED,
        /** The TCP connection was not made within the connect timeout. */
        CONNECT_TIMEOUT,
        /** The proxy refused the tunnel: {@link #status()} is its answer (407 when it wants credentials). */
        PROXY_REFUSED,
        /** The TLS handshake failed: an untrusted certificate, a wrong host name, no common protocol. */
        TLS,
        /** The opening handshake was not complete within the handshake timeout. */
        HANDSHAKE_TIMEOUT,
        /** The server answered with a status other than 101: {@link #status()} and {@link #body()} say what. */
        REJECTED,
        /** The server answered 101 but broke RFC 6455 4.1 or RFC 7692: {@link #handshakeFailure()} says how. */
        INVALID_HANDSHAKE,
        /** A redirect was not followed: redirects are off, too many, to a less secure scheme, or malformed. */
        REDIRECT,
        /** The connection failed otherwise (reset, closed before the answer, a malformed answer). */
        IO
    }

    /** The step that failed. */
    private final Failure failure;
    /** The URI of the attempt. */
    private final URI uri;
    /** The HTTP status answered, or 0 when there was none. */
    private final int status;
    /** The start of the answer's body, empty when there was none. */
    private final byte[] body;
    /** The opening handshake rule the server broke, or null. */
    private final HandshakeFailure handshakeFailure;

    /**
     * A failed attempt.
     *
     * @param failure the step that failed
     * @param uri the URI of the attempt
     * @param message what happened, for people
     * @param cause the underlying exception, or null
     */
    public WebSocketConnectException(Failure failure, URI uri, String message, Throwable cause) {
        this(failure, uri, message, cause, 0, null, null);
    }

    WebSocketConnectException(Failure failure, URI uri, String message, Throwable cause, int status, byte[] body,
            HandshakeFailure handshakeFailure) {
        super(uri + ": " + message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.uri = uri;
        this.status = status;
        this.body = body == null ? new byte[0] : body.clone();
        this.handshakeFailure = handshakeFailure;
    }

    /**
     * The step that failed.
     *
     * @return the failure
     */
    public Failure failure() {
        return failure;
    }

    /**
     * The URI of the attempt that failed (after redirects, the last one).
     *
     * @return the URI
     */
    public URI uri() {
        return uri;
    }

    /**
     * The HTTP status of the answer: the server's for {@link Failure#REJECTED} and
     * {@link Failure#INVALID_HANDSHAKE} and {@link Failure#REDIRECT}, the proxy's for
     * {@link Failure#PROXY_REFUSED}; 0 when there was no answer.
     *
     * @return the status, or 0
     */
    public int status() {
        return status;
    }

    /**
     * The start of the answer's body (at most the client's {@code maxErrorBodyBytes}); empty when
     * there was none.
     *
     * @return a copy of the body bytes
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * {@link #body()} decoded as UTF-8 (malformed bytes replaced).
     *
     * @return the body as text
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The rule of the handshake the server broke, for {@link Failure#INVALID_HANDSHAKE}.
     *
     * @return the handshake failure, or empty
     */
    public Optional<HandshakeFailure> handshakeFailure() {
        return Optional.ofNullable(handshakeFailure);
    }
}
