package org.wsbyhand.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An opening handshake that failed, with everything needed to answer it.
 *
 * <p><b>Server side</b> (thrown by {@link HttpHeadParser} for requests and by
 * {@link ServerHandshake}): {@link #status()} is the 4xx status to send and {@link #headers()} the
 * extra response fields it needs ({@code Allow: GET} with 405, {@code Sec-WebSocket-Version: 13}
 * with 426); {@link #responseBytes()} is the complete response to write before closing the
 * connection.
 *
 * <p><b>Client side</b> (thrown by {@link HttpHeadParser} for responses and by
 * {@link ClientHandshake}): nothing is sent back; {@link #status()} is the status the server
 * answered with (for example 404, or 101 when the 101 response itself was wrong), or 0 when no
 * status line was parsed.
 *
 * <p>These exceptions keep their stack trace, so that one thrown out of an application's own
 * handshake code says where; filling it in costs only when a peer broke a rule.
 */
public final class HandshakeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The rule that was broken. */
    private final HandshakeFailure failure;
    /** The HTTP status: to send (server side) or received (client side, 0 if none). */
    private final int status;
    private final transient Headers headers;

    /**
     * A failure with the status and headers to answer it with.
     *
     * @param failure the rule that was broken
     * @param status  the HTTP status: 400-599 on the server side, the received status or 0 on the client side
     * @param reason  a short human-readable explanation, sent as the body of the error response
     * @param headers extra fields for the error response
     */
    public HandshakeException(HandshakeFailure failure, int status, String reason, Headers headers) {
        super(Objects.requireNonNull(reason, "reason"));
        this.failure = Objects.requireNonNull(failure, "failure");
        if (status != 0 && (status < 100 || status > 999)) {
            throw new IllegalArgumentException("status is neither 0 nor three digits: " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /**
     * A server-side failure answered with the failure's own status and no extra headers.
     *
     * @param failure the rule the request broke
     * @param reason a human-readable explanation, sent as the response body
     */
    public HandshakeException(HandshakeFailure failure, String reason) {
        this(failure, failure.status(), reason, Headers.empty());
    }

    /**
     * A rejection by the application, e.g. {@code reject(403, "origin not allowed")} or
     * {@code reject(404, "no such endpoint")}.
     *
     * @param status the HTTP status to answer with, 400 to 599
     * @param reason a human-readable explanation, sent as the response body
     * @return the exception to throw, with failure {@link HandshakeFailure#REJECTED}
     * @throws IllegalArgumentException if the status is not 400-599
     */
    public static HandshakeException reject(int status, String reason) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection status is 400-599, was " + status);
        }
        return new HandshakeException(HandshakeFailure.REJECTED, status, reason, Headers.empty());
    }

    /**
     * The rule that was broken.
     *
     * @return the failure
     */
    public HandshakeFailure failure() {
        return failure;
    }

    /**
     * The HTTP status: to send (server side) or received (client side, 0 if none).
     *
     * @return the HTTP status, or 0
     */
    public int status() {
        return status;
    }

    /**
     * The human-readable explanation (the exception message).
     *
     * @return the reason
     */
    public String reason() {
        return getMessage();
    }

    /**
     * Extra fields for the error response, e.g. {@code Sec-WebSocket-Version: 13} with 426.
     *
     * @return the extra header fields, possibly empty
     */
    public Headers headers() {
        return headers;
    }

    /**
     * The head of the error response a server sends: {@code HTTP/1.1 <status> <phrase>},
     * {@code Content-Type: text/plain; charset=utf-8}, {@code Content-Length} of
     * {@link #body()}, {@code Connection: close}, then {@link #headers()}.
     *
     * @return the error response head
     * @throws IllegalStateException if the status is not 400-599 (a client-side failure)
     */
    public HttpResponse toResponse() {
        if (status < 400 || status > 599) {
            throw new IllegalStateException("no error response for status " + status);
        }
        Headers responseHeaders = Headers.builder()
                .add("Content-Type", "text/plain; charset=utf-8")
                .add("Content-Length", Integer.toString(body().length))
                .add("Connection", "close")
                .addAll(headers)
                .build();
        return new HttpResponse(HttpRequest.HTTP_1_1, status, HttpResponse.reasonPhrase(status), responseHeaders);
    }

    /**
     * The body of the error response: the reason and a newline, in UTF-8.
     *
     * @return the response body bytes
     */
    public byte[] body() {
        return (reason() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The complete error response, head and body, ready to write before closing the connection.
     *
     * @return the response bytes
     * @throws IllegalStateException if the status is not 400-599 (a client-side failure)
     */
    public byte[] responseBytes() {
        byte[] head = toResponse().toBytes();
        byte[] body = body();
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    @Override
    public String toString() {
        return "HandshakeException[" + failure + ", status " + status + ": " + getMessage() + "]";
    }
}
