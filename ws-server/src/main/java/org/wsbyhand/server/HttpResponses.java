package org.wsbyhand.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.protocol.handshake.HttpResponse;

/**
 * Writes the server's plain HTTP/1.1 answers. An answer closes the connection ({@code Connection:
 * close}) unless the caller keeps it alive for the next request.
 */
final class HttpResponses {
    /** Writes an HTTP-date (RFC 9110 5.6.7, IMF-fixdate), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** Reads an HTTP-date; lenient about a one-digit day, as RFC 1123 dates may have. */
    static final DateTimeFormatter HTTP_DATE_READER = DateTimeFormatter.RFC_1123_DATE_TIME;

    private HttpResponses() {}

    /** The standard reason phrase of a status (RFC 9110 section 15), never empty. */
    static String reasonPhrase(int status) {
        String phrase = HttpResponse.reasonPhrase(status);
        return !phrase.isEmpty() ? phrase : status < 400 ? "Redirection" : status < 500 ? "Client Error" : "Server Error";
    }

    /** An HTTP-date for an instant, in GMT, to the second. */
    static String date(Instant instant) {
        return HTTP_DATE.format(instant);
    }

    /**
     * The status line and the headers every answer has: {@code Date}, {@code Content-Type} and
     * {@code Content-Length} (unless {@code contentType} is null, as for a 304), {@code nosniff}, and
     * {@code Connection: close} unless {@code keepAlive}; without the final empty line.
     */
    static StringBuilder start(int status, String contentType, long contentLength, boolean keepAlive) {
        StringBuilder head = new StringBuilder(200)
                .append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n")
                .append("Date: ").append(date(Instant.now())).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(contentLength).append("\r\n");
        }
        head.append("X-Content-Type-Options: nosniff\r\n");
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        return head;
    }

    /** A head with {@code Content-Length} and {@code Connection: close}, without body. */
    static byte[] head(int status, String contentType, long contentLength, Map<String, String> headers) {
        StringBuilder head = start(status, contentType, contentLength, false);
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return bytes(head);
    }

    /** The head's bytes, with its final empty line. */
    static byte[] bytes(StringBuilder head) {
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An answer with a short plain-text body (omitted for HEAD requests) and the given extra headers. */
    static void error(OutputStream out, int status, String body, Headers headers, boolean withBody) throws IOException {
        StringBuilder extra = new StringBuilder();
        headers.forEach(field -> extra.append(field.name()).append(": ").append(field.value()).append("\r\n"));
        error(out, status, body, extra, withBody, false);
    }

    /** An error status with a short plain-text body (omitted for HEAD requests), closing the connection. */
    static void error(OutputStream out, int status, String body, Map<String, String> headers, boolean withBody)
            throws IOException {
        error(out, status, body, headers, withBody, false);
    }

    /** An error status with a short plain-text body (omitted for HEAD requests), kept alive or not. */
    static void error(OutputStream out, int status, String body, Map<String, String> headers, boolean withBody,
            boolean keepAlive) throws IOException {
        StringBuilder extra = new StringBuilder();
        headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
        error(out, status, body, extra, withBody, keepAlive);
    }

    /** Writes the answer: the common head, the {@code extra} header lines, the body unless omitted. */
    private static void error(OutputStream out, int status, String body, CharSequence extra, boolean withBody,
            boolean keepAlive) throws IOException {
        byte[] bytes = (body.isEmpty() ? reasonPhrase(status) : body).concat("\n").getBytes(StandardCharsets.UTF_8);
        out.write(bytes(start(status, "text/plain; charset=utf-8", bytes.length, keepAlive).append(extra)));
        if (withBody) {
            out.write(bytes);
        }
        out.flush();
    }
}
