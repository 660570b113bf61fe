package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.Limits;

/**
 * The one place where the server reads an HTTP request head and checks an opening handshake
 * (RFC 6455 section 4.2.1). Everything else in the server sees only {@link RequestHead},
 * {@link Rejection} and the bytes of the 101 response, so this class can delegate to the protocol
 * module's {@code HttpHeadParser} and {@code ServerHandshake} once they are published.
 *
 * <p>Interim implementation: a minimal, strict parser and the section 4.2.1 checks.
 */
final class Handshaker {
    /** RFC 6455 section 1.3: the GUID appended to the key before hashing. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int INITIAL_HEAD_BUFFER = 1024;

    private Handshaker() {}

    /** A head and the bytes that followed it in the same reads (the client may pipeline frames). */
    record ReadHead(RequestHead head, byte[] leftover) {}

    /** An HTTP error answer to a request. */
    record Rejection(int status, String body, Map<String, String> headers) {
        Rejection(int status, String body) {
            this(status, body, Map.of());
        }
    }

    /**
     * Reads one request head from {@code in}, waiting at most until {@code deadlineNanos} (a
     * {@link System#nanoTime()} value) in total, however the bytes trickle in.
     *
     * @return the head, or empty when the client closed the connection before sending anything
     * @throws SocketTimeoutException when the deadline passes
     * @throws HeadException          431 when the head exceeds the limits, 400 when it is malformed
     */
    static Optional<ReadHead> readHead(InputStream in, Socket socket, Limits limits, long deadlineNanos)
            throws IOException, HeadException {
        byte[] buf = new byte[Math.min(INITIAL_HEAD_BUFFER, limits.maxHeadSize())];
        int length = 0;
        int scanFrom = 0;
        while (true) {
            if (length == buf.length) {
                if (buf.length >= limits.maxHeadSize()) {
                    throw new HeadException(431, "request head larger than " + limits.maxHeadSize() + " bytes");
                }
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, limits.maxHeadSize()));
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("handshake timeout");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining))));
            int n = in.read(buf, length, buf.length - length);
            if (n < 0) {
                if (length == 0) {
                    return Optional.empty();
                }
                throw new HeadException(400, "connection closed in the middle of the request head");
            }
            length += n;
            int end = indexOfHeadEnd(buf, scanFrom, length);
            if (end >= 0) {
                RequestHead head = parse(new String(buf, 0, end, StandardCharsets.ISO_8859_1), limits);
                return Optional.of(new ReadHead(head, Arrays.copyOfRange(buf, end + 4, length)));
            }
            scanFrom = Math.max(0, length - 3);
        }
    }

    private static int indexOfHeadEnd(byte[] buf, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Parses a head without its final CRLF CRLF (RFC 7230 section 3: strict CRLF, no obs-fold). */
    static RequestHead parse(String head, Limits limits) throws HeadException {
        String[] lines = head.split("\r\n", -1);
        for (String line : lines) {
            if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                throw new HeadException(400, "line not terminated by CRLF");
            }
        }
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !isToken(requestLine[0]) || requestLine[1].isEmpty()
                || !requestLine[2].startsWith("HTTP/1.")) {
            throw new HeadException(400, "malformed request line");
        }
        if (lines.length - 1 > limits.maxHeaderCount()) {
            throw new HeadException(431, "more than " + limits.maxHeaderCount() + " header fields");
        }
        List<String> names = new ArrayList<>(lines.length - 1);
        List<String> values = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                throw new HeadException(400, "obsolete line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new HeadException(400, "malformed header field");
            }
            names.add(line.substring(0, colon));
            values.add(line.substring(colon + 1).strip());
        }
        return new RequestHead(requestLine[0], requestLine[1], requestLine[2], names, values);
    }

    /**
     * The RFC 6455 section 4.2.1 checks of an upgrade request, in the order of the section; empty
     * when the request is a valid opening handshake.
     */
    static Optional<Rejection> validate(RequestHead head) {
        if (!head.method().equals("GET")) {
            return Optional.of(new Rejection(405, "a WebSocket upgrade uses GET", Map.of("Allow", "GET")));
        }
        if (!head.version().equals("HTTP/1.1")) {
            return Optional.of(new Rejection(400, "a WebSocket upgrade needs HTTP/1.1"));
        }
        if (!head.target().startsWith("/")) {
            return Optional.of(new Rejection(400, "invalid request target"));
        }
        List<String> hosts = head.headers("Host");
        if (hosts.size() != 1 || hosts.get(0).isEmpty()) {
            return Optional.of(new Rejection(400, "missing, empty or repeated Host header"));
        }
        if (!head.tokens("Upgrade").contains("websocket")) {
            return Optional.of(new Rejection(400, "Upgrade header does not list websocket"));
        }
        if (!head.tokens("Connection").contains("upgrade")) {
            return Optional.of(new Rejection(400, "Connection header does not list upgrade"));
        }
        List<String> keys = head.headers("Sec-WebSocket-Key");
        if (keys.isEmpty()) {
            return Optional.of(new Rejection(400, "missing Sec-WebSocket-Key"));
        }
        if (keys.size() != 1 || decodedLength(keys.get(0)) != 16) {
            return Optional.of(new Rejection(400, "Sec-WebSocket-Key is repeated or not 16 base64-encoded bytes"));
        }
        // Section 4.4: an unsupported version is answered with the versions we speak.
        List<String> versions = head.headers("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).equals("13")) {
            return Optional.of(new Rejection(426, "Sec-WebSocket-Version must be 13",
                    Map.of("Sec-WebSocket-Version", "13")));
        }
        return Optional.empty();
    }

    /** The subprotocols the client offered (section 4.1: a comma-separated list), in its order. */
    static List<String> offeredSubprotocols(RequestHead head) {
        List<String> offered = new ArrayList<>();
        for (String value : head.headers("Sec-WebSocket-Protocol")) {
            for (String token : value.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    offered.add(trimmed);
                }
            }
        }
        return offered;
    }

    /**
     * The first of the server's subprotocols, in its order of preference, that the client offered
     * (section 4.2.2: never one the client did not offer), or empty.
     */
    static Optional<String> selectSubprotocol(List<String> serverPreference, List<String> offered) {
        return serverPreference.stream().filter(offered::contains).findFirst();
    }

    /** The 101 response to a validated request (section 4.2.2, item 5). */
    static byte[] acceptResponse(RequestHead head, Optional<String> subprotocol) {
        String key = head.header("Sec-WebSocket-Key").orElseThrow();
        StringBuilder response = new StringBuilder(160)
                .append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(acceptKey(key)).append("\r\n");
        subprotocol.ifPresent(p -> response.append("Sec-WebSocket-Protocol: ").append(p).append("\r\n"));
        return response.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Section 1.3: base64(SHA-1(key + GUID)). */
    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static int decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
