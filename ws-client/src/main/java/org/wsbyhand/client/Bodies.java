package org.wsbyhand.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.wsbyhand.protocol.handshake.HttpResponse;

/**
 * Reads the start of a refusal's body for {@link WebSocketConnectException#body()}: at most a
 * fixed number of bytes, by {@code Content-Length}, chunks, or up to the end of the stream; what
 * cannot be read in time is left out (the attempt has failed anyway).
 */
final class Bodies {
    private Bodies() {}

    /** Called before each read: sets what is left of the deadline as the read timeout, or throws when nothing is. */
    @FunctionalInterface
    interface BeforeRead {
        void check() throws IOException;
    }

    static byte[] read(HttpResponse response, byte[] already, InputStream in, int max, BeforeRead beforeRead) {
        if (max == 0 || response.status() == 204 || response.status() == 304 || response.status() < 200) {
            return new byte[0];
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(already, 0, already.length);
        boolean chunked = response.headers().containsToken("Transfer-Encoding", "chunked");
        long length = chunked ? -1 : contentLength(response).orElse(-1L);
        // Chunk framing takes a few bytes per chunk: read a little more than the limit.
        long wanted = length >= 0 ? Math.min(length, max) : chunked ? max + 256L : max;
        byte[] buffer = new byte[1024];
        try {
            while (raw.size() < wanted && !(chunked && chunksComplete(raw.toByteArray()))) {
                beforeRead.check();
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, wanted - raw.size()));
                if (n < 0) {
                    break;
                }
                raw.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // Timed out or reset: keep what arrived.
        }
        byte[] bytes = chunked ? dechunk(raw.toByteArray()) : raw.toByteArray();
        return bytes.length > max ? java.util.Arrays.copyOf(bytes, max) : bytes;
    }

    private static Optional<Long> contentLength(HttpResponse response) {
        try {
            return response.headers().first("Content-Length").map(String::trim).map(Long::parseLong)
                    .filter(length -> length >= 0);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code raw} holds the last chunk and the end of its trailer section (RFC 9112 7.1.2). */
    static boolean chunksComplete(byte[] raw) {
        int at = 0;
        while (at < raw.length) {
            int lineEnd = indexOfCrlf(raw, at);
            if (lineEnd < 0) {
                return false;
            }
            long length = chunkSize(raw, at, lineEnd);
            if (length < 0) {
                return true; // malformed: nothing more worth waiting for
            }
            if (length == 0) {
                // Trailer fields, each ended by CRLF, then an empty line.
                for (int line = lineEnd + 2; ; ) {
                    int end = indexOfCrlf(raw, line);
                    if (end < 0) {
                        return false;
                    }
                    if (end == line) {
                        return true;
                    }
                    line = end + 2;
                }
            }
            at = lineEnd + 2 + (int) Math.min(length, Integer.MAX_VALUE - 4) + 2;
        }
        return false;
    }

    /** The size on a chunk line, extensions ignored; -1 when malformed. */
    private static long chunkSize(byte[] raw, int from, int lineEnd) {
        String size = new String(raw, from, lineEnd - from, java.nio.charset.StandardCharsets.ISO_8859_1);
        int semicolon = size.indexOf(';');
        try {
            long length = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim()
                    .toLowerCase(Locale.ROOT), 16);
            return length < 0 ? -1 : length;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The data of complete chunks (RFC 9112 7.1), extensions ignored; stops at anything malformed. */
    static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int at = 0;
        while (at < raw.length) {
            int lineEnd = indexOfCrlf(raw, at);
            if (lineEnd < 0) {
                break;
            }
            long length = chunkSize(raw, at, lineEnd);
            if (length < 0) {
                break;
            }
            int start = lineEnd + 2;
            if (length <= 0 || length > raw.length - start) {
                data.write(raw, start, (int) Math.max(0, Math.min(length, raw.length - start)));
                break;
            }
            data.write(raw, start, (int) length);
            at = start + (int) length + 2;
        }
        return data.toByteArray();
    }

    private static int indexOfCrlf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
