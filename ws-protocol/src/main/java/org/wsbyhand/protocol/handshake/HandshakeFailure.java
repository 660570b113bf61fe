package org.wsbyhand.protocol.handshake;

/**
 * Every way an opening handshake can fail, one constant per rule, each with the HTTP status a
 * server answers with. Tests and callers match on the constant, never on message text.
 *
 * <p>The first group is found while parsing a head, the second by {@link ServerHandshake} in a
 * request, the third by {@link ClientHandshake} in a response. On the client side nothing is sent
 * back, so {@link #status()} is only the server-side answer; {@link HandshakeException#status()}
 * there carries the status the server sent instead.
 */
public enum HandshakeFailure {
    /** The head is longer than {@code Limits.maxHeadSize()}. */
    HEAD_TOO_LARGE(431, "request head larger than the head size limit"),
    /** The head has more header fields than {@code Limits.maxHeaderCount()}. */
    TOO_MANY_HEADERS(431, "more header fields than the header count limit"),
    /** RFC 7230 3.1: the request line or status line does not follow the grammar. */
    MALFORMED_START_LINE(400, "malformed request line"),
    /**
     * The version is not HTTP/1.x while parsing; for {@link ServerHandshake}, RFC 6455 4.1 also
     * requires at least HTTP/1.1.
     */
    UNSUPPORTED_HTTP_VERSION(400, "HTTP version not supported for a WebSocket upgrade"),
    /** RFC 7230 3.5: a line ends in a bare LF, or a CR is not followed by LF (strict CRLF here). */
    MALFORMED_LINE_ENDING(400, "line not terminated by CRLF"),
    /** RFC 7230 3.2.4: a header line starting with whitespace (obs-fold) is rejected with 400. */
    OBSOLETE_LINE_FOLDING(400, "obsolete line folding"),
    /**
     * RFC 7230 3.2 and 3.2.4: a header line without a colon, with an empty name, a name that is
     * not a token, or whitespace between the name and the colon.
     */
    MALFORMED_HEADER_FIELD(400, "malformed header field"),
    /** RFC 7230 3.2: a header value or reason phrase containing NUL, CR, DEL or another control character. */
    INVALID_HEADER_VALUE(400, "control character in a header value"),

    /** RFC 6455 4.1: the method of the opening handshake is GET; answered with {@code Allow: GET}. */
    METHOD_NOT_ALLOWED(405, "a WebSocket upgrade uses GET"),
    /** RFC 6455 3 and 4.1: the target is an absolute path or absolute URI, without a fragment. */
    INVALID_TARGET(400, "invalid request target"),
    /** RFC 6455 4.2.1 item 2 and RFC 7230 5.4: exactly one non-empty Host field. */
    MISSING_HOST(400, "missing, empty or repeated Host header"),
    /** RFC 6455 4.2.1 item 3: Upgrade lists the token "websocket". */
    NOT_A_WEBSOCKET_UPGRADE(400, "Upgrade header does not list websocket"),
    /** RFC 6455 4.2.1 item 4: Connection lists the token "Upgrade". */
    MISSING_CONNECTION_UPGRADE(400, "Connection header does not list upgrade"),
    /** RFC 6455 4.2.1 item 5: there is no Sec-WebSocket-Key. */
    MISSING_KEY(400, "missing Sec-WebSocket-Key"),
    /** RFC 6455 4.2.1 item 5: the key is repeated or is not the base64 form of 16 bytes. */
    INVALID_KEY(400, "Sec-WebSocket-Key is repeated or not 16 base64-encoded bytes"),
    /**
     * RFC 6455 4.2.1 item 6 and 4.4: Sec-WebSocket-Version is missing or not 13; answered with
     * 426 and {@code Sec-WebSocket-Version: 13}.
     */
    UNSUPPORTED_WEBSOCKET_VERSION(426, "Sec-WebSocket-Version must be 13"),
    /** RFC 6455 4.1 and 11.3.4: Sec-WebSocket-Protocol is a list of tokens. */
    MALFORMED_SUBPROTOCOLS(400, "Sec-WebSocket-Protocol is not a list of tokens"),
    /** RFC 6455 9.1: Sec-WebSocket-Extensions does not follow the extension-list grammar. */
    MALFORMED_EXTENSIONS(400, "malformed Sec-WebSocket-Extensions"),
    /** A rejection decided by the application (for example 403 for a foreign Origin). */
    REJECTED(403, "rejected"),

    /** RFC 6455 4.1: any status other than 101 means the upgrade did not happen. */
    UNEXPECTED_STATUS(400, "server did not answer 101 Switching Protocols"),
    /** RFC 6455 4.1: Sec-WebSocket-Accept is missing or not the value derived from our key. */
    ACCEPT_MISMATCH(400, "Sec-WebSocket-Accept does not match the key"),
    /** RFC 6455 4.1: the server chose a subprotocol we did not offer, or more than one. */
    UNEXPECTED_SUBPROTOCOL(400, "server chose a subprotocol that was not offered"),
    /** RFC 6455 4.1 and 9.1: the server accepted an extension we did not offer, or one twice. */
    UNEXPECTED_EXTENSION(400, "server accepted an extension that was not offered"),
    /**
     * Client side: the server accepted an extension with parameters its specification forbids in a
     * response, or that this client cannot honour (RFC 7692 7.1 for permessage-deflate).
     */
    INVALID_EXTENSION_PARAMETERS(400, "server accepted an extension with invalid or unusable parameters");

    private final int status;
    private final String description;

    HandshakeFailure(int status, String description) {
        this.status = status;
        this.description = description;
    }

    /**
     * The HTTP status a server answers this failure with.
     *
     * @return the HTTP status, 400 to 599
     */
    public int status() {
        return status;
    }

    /**
     * A short, human-readable statement of the rule that was broken.
     *
     * @return the description
     */
    public String description() {
        return description;
    }
}
