package org.wsbyhand.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP/1.x response head (RFC 7230 3.1.2): the status line and the header fields. A body, if
 * any, is not part of it (see {@link HandshakeException#responseBytes()}).
 *
 * @param version {@code HTTP/} digit {@code .} digit, e.g. {@code HTTP/1.1}
 * @param status  the three-digit status code, 100-999
 * @param reason  the reason phrase, possibly empty; no control characters other than HTAB
 * @param headers the header fields
 */
public record HttpResponse(String version, int status, String reason, Headers headers) {

    /** Validates the grammar so that {@link #toBytes()} always writes a well-formed head. */
    public HttpResponse {
        if (!Syntax.isHttpVersion(version)) {
            throw new IllegalArgumentException("not an HTTP version: " + version);
        }
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status is not three digits: " + status);
        }
        Objects.requireNonNull(reason, "reason");
        if (!Syntax.isFieldValue(reason)) {
            throw new IllegalArgumentException("reason phrase contains a control character");
        }
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * The head as sent on the wire: status line, fields, empty line, each ending in CRLF (ISO-8859-1).
     *
     * @return the encoded response head
     */
    public byte[] toBytes() {
        StringBuilder head = new StringBuilder(64 + 48 * headers.size());
        head.append(version).append(' ').append(status).append(' ').append(reason).append("\r\n");
        headers.appendTo(head);
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The conventional reason phrase of the statuses a WebSocket server sends (RFC 9110 section 15,
     * RFC 6585), else empty.
     *
     * @param status the HTTP status code
     * @return the reason phrase, or an empty string
     */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }
}
