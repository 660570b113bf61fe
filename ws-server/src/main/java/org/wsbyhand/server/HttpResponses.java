package org.wsbyhand.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.protocol.handshake.HttpResponse;

/** Writes the server's plain HTTP/1.1 answers. Every answer closes the connection afterwards. */
final class HttpResponses {
    private HttpResponses() {}

    /** The standard reason phrase of a status (RFC 9110 section 15), never empty. */
    static String reasonPhrase(int status) {
        String phrase = HttpResponse.reasonPhrase(status);
        return !phrase.isEmpty() ? phrase : status < 400 ? "Redirection" : status < 500 ? "Client Error" : "Server Error";
    }

    /** A head with {@code Content-Length} and {@code Connection: close}, without body. */
    static byte[] head(int status, String contentType, long contentLength, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(contentLength).append("\r\n")
                .append("X-Content-Type-Options: nosniff\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An answer with a short plain-text body (omitted for HEAD requests) and the given extra headers. */
    static void error(OutputStream out, int status, String body, Headers headers, boolean withBody) throws IOException {
        Map<String, String> none = Map.of();
        byte[] bytes = (body.isEmpty() ? reasonPhrase(status) : body).concat("\n").getBytes(StandardCharsets.UTF_8);
        byte[] head = head(status, "text/plain; charset=utf-8", bytes.length, none);
        StringBuilder extra = new StringBuilder();
        headers.forEach(field -> extra.append(field.name()).append(": ").append(field.value()).append("\r\n"));
        out.write(head, 0, head.length - 2); // the head without its final empty line
        out.write(extra.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (withBody) {
            out.write(bytes);
        }
        out.flush();
    }

    /** An error status with a short plain-text body (omitted for HEAD requests). */
    static void error(OutputStream out, int status, String body, Map<String, String> headers, boolean withBody)
            throws IOException {
        byte[] bytes = (body.isEmpty() ? reasonPhrase(status) : body).concat("\n").getBytes(StandardCharsets.UTF_8);
        out.write(head(status, "text/plain; charset=utf-8", bytes.length, headers));
        if (withBody) {
            out.write(bytes);
        }
        out.flush();
    }
}
