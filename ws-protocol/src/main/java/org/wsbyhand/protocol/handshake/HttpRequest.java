package org.wsbyhand.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP/1.x request head (RFC 7230 3.1.1): the request line and the header fields. The
 * opening handshake request has no body.
 *
 * @param method  the method token, case-sensitive (RFC 7231 4.1), e.g. {@code GET}
 * @param target  the request target as sent: origin-form {@code /chat?room=1} or absolute-form
 *                {@code ws://host/chat}; visible US-ASCII only
 * @param version {@code HTTP/} digit {@code .} digit, e.g. {@code HTTP/1.1}
 * @param headers the header fields
 */
public record HttpRequest(String method, String target, String version, Headers headers) {

    /** {@code HTTP/1.1}, the version a WebSocket client sends (RFC 6455 4.1). */
    public static final String HTTP_1_1 = "HTTP/1.1";

    /** Validates the grammar so that {@link #toBytes()} always writes a well-formed head. */
    public HttpRequest {
        if (!Syntax.isToken(method)) {
            throw new IllegalArgumentException("method is not a token: " + method);
        }
        if (!Syntax.isTarget(target)) {
            throw new IllegalArgumentException("target is empty or not visible US-ASCII: " + target);
        }
        if (!Syntax.isHttpVersion(version)) {
            throw new IllegalArgumentException("not an HTTP version: " + version);
        }
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * The path of the target, still percent-encoded and without the query: {@code /chat} for
     * {@code /chat?room=1} and for {@code ws://example.com/chat?room=1}; {@code /} when an
     * absolute-form target has no path. Any fragment is left in place (the server handshake
     * rejects targets with one).
     *
     * @return the path of the request target
     */
    public String path() {
        String pathAndQuery = pathAndQuery();
        int question = pathAndQuery.indexOf('?');
        return question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    }

    /**
     * The raw query after the first {@code ?}, without the {@code ?}; empty if there is none.
     *
     * @return the query, or an empty string
     */
    public String query() {
        String pathAndQuery = pathAndQuery();
        int question = pathAndQuery.indexOf('?');
        return question < 0 ? "" : pathAndQuery.substring(question + 1);
    }

    /**
     * True if the target is in absolute-form, {@code scheme://authority...} (RFC 7230 5.3.2).
     *
     * @return {@code true} for an absolute-form target
     */
    public boolean isAbsoluteForm() {
        int colon = target.indexOf("://");
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = target.charAt(i);
            // RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean schemeChar = alpha || (i > 0 && (Syntax.isDigit(c) || c == '+' || c == '-' || c == '.'));
            if (!schemeChar) {
                return false;
            }
        }
        return true;
    }

    private String pathAndQuery() {
        if (!isAbsoluteForm()) {
            return target;
        }
        int authorityStart = target.indexOf("://") + 3;
        for (int i = authorityStart; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/') {
                return target.substring(i);
            }
            if (c == '?' || c == '#') {
                return "/" + target.substring(i);
            }
        }
        return "/";
    }

    /**
     * The head as sent on the wire: request line, fields, empty line, each ending in CRLF (ISO-8859-1).
     *
     * @return the encoded request head
     */
    public byte[] toBytes() {
        StringBuilder head = new StringBuilder(64 + 48 * headers.size());
        head.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        headers.appendTo(head);
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
