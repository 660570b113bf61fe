package org.wsbyhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.client.WebSocketConnectException.Failure;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;
import org.wsbyhand.protocol.handshake.HttpResponse;

/**
 * Opens an HTTP {@code CONNECT} tunnel (RFC 9110 9.3.6) through a proxy on a socket already
 * connected to it: after {@link #open} returns, the socket's bytes go to and come from the target
 * server, ready for TLS (a {@code wss://} target) or the WebSocket opening handshake.
 *
 * <p>The proxy's answer is hostile input: its head is parsed by {@link HttpHeadParser} within a
 * head size limit, read through a small buffer, and the whole answer must arrive within the
 * socket's read timeout as it was on entry (a proxy that sends a byte now and then does not get a
 * fresh timeout per byte). No byte after the head is ever taken from the stream unnoticed: after
 * a 2xx the next bytes belong to the tunnel and the proxy must not send any before the client
 * does, so bytes that arrive with the head fail the attempt. (Bytes that arrive after the read that
 * completed the head stay in the socket, where TLS or the handshake will reject them.)
 */
final class ProxyTunnel {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTunnel.class);

    /** Bytes per read: an answer of a typical proxy fits in one read, and no more is ever held. */
    private static final int READ_BUFFER_SIZE = 512;
    /** Interim (1xx) answers skipped before the final one; more is a proxy playing games. */
    private static final int MAX_INTERIM_ANSWERS = 4;
    /** Characters of the proxy's reason phrase repeated in messages. */
    private static final int MAX_REASON_CHARS = 80;

    private ProxyTunnel() {}

    /**
     * Sends {@code CONNECT targetHost:targetPort} to the proxy and reads its answer; returns when
     * the tunnel is open. On failure the socket is left as it is, for the caller to close.
     *
     * <p>The request carries {@code Host} with the same authority and, when the proxy settings have
     * credentials, {@code Proxy-Authorization: Basic}. Interim 1xx answers other than 101 are
     * skipped (RFC 9110 15.2). A 2xx opens the tunnel, unless it announces a body
     * ({@code Content-Length} other than 0, or {@code Transfer-Encoding}): RFC 9110 9.3.6 forbids
     * those in a 2xx to CONNECT, and a client that ignored them could not tell the body from the
     * tunnel, so this fails instead. Any other status fails with {@link Failure#PROXY_REFUSED}.
     *
     * @param socket a socket connected to the proxy, its read timeout set to what is left of the
     *        handshake deadline (0, no timeout, is honoured but unwise); the timeout is the same
     *        again when this returns or throws
     * @param targetHost the server's host name or IP address (an IPv6 address with or without brackets)
     * @param targetPort the server's port, 1 to 65535
     * @param proxy the proxy the socket is connected to, with the credentials to send, if any
     * @param maxHeadBytes the largest answer head accepted, in bytes (at least 256)
     * @param uri the URI of the attempt, for the exception
     * @throws WebSocketConnectException with {@link Failure#PROXY_REFUSED} and the proxy's status
     *         when it refuses (407 when it wants credentials); {@link Failure#HANDSHAKE_TIMEOUT}
     *         when its answer does not arrive within the read timeout; {@link Failure#IO} when the
     *         connection fails or closes before the answer is complete, or the answer is malformed,
     *         over the size limit, a 2xx with a body, or followed by bytes the proxy had no reason
     *         to send yet
     * @throws IllegalArgumentException if the target host holds characters no host name or IP
     *         address has, the port is out of range or {@code maxHeadBytes} is below 256
     */
    static void open(Socket socket, String targetHost, int targetPort, ProxySettings proxy, int maxHeadBytes, URI uri)
            throws WebSocketConnectException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(proxy, "proxy");
        String authority = authority(Objects.requireNonNull(targetHost, "targetHost"), targetPort);
        Limits limits = Limits.defaults().withMaxHeadSize(maxHeadBytes);
        byte[] request = request(authority, proxy);
        String via = "proxy " + proxyAddress(proxy);
        long start = System.nanoTime();
        int timeout = 0;
        boolean timeoutRead = false;
        try {
            timeout = socket.getSoTimeout();
            timeoutRead = true;
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeout);
            HttpResponse answer = readAnswer(socket, timeout == 0 ? null : deadline, limits, proxy.hasCredentials(),
                    via, authority, uri);
            LOG.debug("tunnel to {} open through {} ({} {})", authority, via, answer.status(), answer.reason());
        } catch (WebSocketConnectException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw timedOut(via, authority, uri, e);
        } catch (IOException e) {
            throw new WebSocketConnectException(Failure.IO, uri,
                    "the connection to " + via + " failed while opening a tunnel to " + authority + ": " + e, e);
        } finally {
            if (timeoutRead) {
                restoreTimeout(socket, timeout);
            }
        }
    }

    /**
     * Reads answers until the final one and checks it: returns a 2xx that opens the tunnel, throws
     * for anything else. Each read waits at most until {@code deadline} ({@link System#nanoTime()}),
     * or without limit when it is null.
     */
    private static HttpResponse readAnswer(Socket socket, Long deadline, Limits limits, boolean credentialsSent,
            String via, String authority, URI uri) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[READ_BUFFER_SIZE];
        HttpHeadParser parser = HttpHeadParser.forResponse(limits);
        int interim = 0;
        while (true) {
            if (deadline != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timedOut(via, authority, uri, null);
                }
                // Rounded up, so that a fraction of a millisecond left is not 0, "no timeout".
                socket.setSoTimeout((int) Math.max(1, (left + 999_999) / 1_000_000));
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new WebSocketConnectException(Failure.IO, uri, via + " closed the connection before its answer"
                        + " to CONNECT " + authority + " was complete (" + parser.bytesConsumed() + " bytes of head)",
                        null);
            }
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                boolean complete;
                try {
                    complete = parser.feed(bytes);
                } catch (HandshakeException e) {
                    throw new WebSocketConnectException(Failure.IO, uri, via + " sent a malformed answer to CONNECT "
                            + authority + ": " + e.reason(), e);
                }
                if (!complete) {
                    break;
                }
                HttpResponse answer = parser.response();
                int status = answer.status();
                if (status >= 100 && status < 200 && status != 101) {
                    if (++interim > MAX_INTERIM_ANSWERS) {
                        throw new WebSocketConnectException(Failure.IO, uri, via + " sent more than "
                                + MAX_INTERIM_ANSWERS + " interim answers to CONNECT " + authority, null, status,
                                null, null);
                    }
                    parser = HttpHeadParser.forResponse(limits);
                    continue;
                }
                check(answer, bytes, credentialsSent, via, authority, uri);
                return answer;
            }
        }
    }

    /**
     * Throws unless {@code answer} is a 2xx without a body and nothing follows it in
     * {@code rest}, the bytes read after the head.
     */
    private static void check(HttpResponse answer, ByteBuffer rest, boolean credentialsSent, String via,
            String authority, URI uri) throws WebSocketConnectException {
        int status = answer.status();
        if (status < 200 || status > 299) {
            throw refused(answer, rest, credentialsSent, via, authority, uri);
        }
        List<String> lengths = answer.headers().all("Content-Length");
        boolean chunked = answer.headers().contains("Transfer-Encoding");
        if (chunked || lengths.stream().anyMatch(length -> !length.equals("0"))) {
            throw new WebSocketConnectException(Failure.IO, uri, via + " answered " + status + " to CONNECT "
                    + authority + " with a body (" + (chunked ? "Transfer-Encoding" : "Content-Length") + "), which"
                    + " RFC 9110 9.3.6 forbids: its bytes could not be told from the tunnel's", null, status, null,
                    null);
        }
        if (rest.hasRemaining()) {
            throw new WebSocketConnectException(Failure.IO, uri, via + " sent data before the tunnel was used: "
                    + rest.remaining() + " bytes right after its " + status + " answer to CONNECT " + authority,
                    null, status, null, null);
        }
    }

    /**
     * The exception for a final answer that is not 2xx, with the proxy's status, a message that
     * names it, and what of the body arrived with the head.
     */
    private static WebSocketConnectException refused(HttpResponse answer, ByteBuffer rest, boolean credentialsSent,
            String via, String authority, URI uri) {
        int status = answer.status();
        String statusText = status + (answer.reason().isEmpty() ? "" : " " + shorten(answer.reason()));
        String message;
        if (status == 407) {
            List<String> schemes = challengeSchemes(answer.headers().all("Proxy-Authenticate"));
            message = via + " wants authentication to open a tunnel to " + authority + " (" + statusText
                    + (schemes.isEmpty() ? "" : ", Proxy-Authenticate: " + String.join(", ", schemes)) + "); "
                    + (credentialsSent ? "the credentials sent were not accepted"
                            : "no credentials were sent (see ProxySettings.withCredentials)");
        } else {
            message = via + " refused to open a tunnel to " + authority + ": " + statusText;
        }
        return new WebSocketConnectException(Failure.PROXY_REFUSED, uri, message, null, status,
                bodyStart(answer, rest), null);
    }

    /** The bytes of the body that arrived with the head, as far as they are the body (not chunked). */
    private static byte[] bodyStart(HttpResponse answer, ByteBuffer rest) {
        if (!rest.hasRemaining() || answer.headers().contains("Transfer-Encoding")) {
            return null;
        }
        int length = rest.remaining();
        List<String> lengths = answer.headers().all("Content-Length");
        if (!lengths.isEmpty()) {
            try {
                length = (int) Math.min(length, Long.parseLong(lengths.get(0)));
            } catch (NumberFormatException e) {
                return null;
            }
            if (length < 0) {
                return null;
            }
        }
        byte[] body = new byte[length];
        rest.get(body);
        return body;
    }

    /**
     * The auth-scheme of each challenge in {@code Proxy-Authenticate} (RFC 9110 11.6.1), as far as
     * it is a short token; at most four, without repeats. A field may hold several challenges
     * separated by commas, but commas also separate their parameters: only the first challenge of
     * each field is read, which is what proxies send in practice.
     */
    private static List<String> challengeSchemes(List<String> fields) {
        List<String> schemes = new ArrayList<>(4);
        for (String field : fields) {
            int end = 0;
            while (end < field.length() && end <= 32 && isTokenChar(field.charAt(end))) {
                end++;
            }
            String scheme = field.substring(0, end);
            boolean ends = end == field.length() || field.charAt(end) == ' ' || field.charAt(end) == ',';
            if (!scheme.isEmpty() && end <= 32 && ends && !schemes.contains(scheme) && schemes.size() < 4) {
                schemes.add(scheme);
            }
        }
        return schemes;
    }

    private static boolean isTokenChar(char c) {
        // RFC 9110 5.6.2: tchar.
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String shorten(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...";
    }

    private static WebSocketConnectException timedOut(String via, String authority, URI uri, Throwable cause) {
        return new WebSocketConnectException(Failure.HANDSHAKE_TIMEOUT, uri, via + " did not answer CONNECT "
                + authority + " within the handshake timeout", cause);
    }

    private static void restoreTimeout(Socket socket, int timeout) {
        try {
            socket.setSoTimeout(timeout);
        } catch (IOException e) {
            // The socket is closed or broken; the caller finds out on its next use.
            LOG.debug("could not restore the read timeout of a proxy connection", e);
        }
    }

    // ---- the request ----

    /** The CONNECT request, ASCII only: every part was validated. */
    private static byte[] request(String authority, ProxySettings proxy) {
        StringBuilder head = new StringBuilder(160);
        head.append("CONNECT ").append(authority).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(authority).append("\r\n");
        if (proxy.hasCredentials()) {
            // RFC 7617 2 and 2.1: base64 of user-id ":" password, in UTF-8.
            byte[] credentials = (proxy.username().orElseThrow() + ":" + proxy.password().orElseThrow())
                    .getBytes(StandardCharsets.UTF_8);
            head.append("Proxy-Authorization: Basic ").append(Base64.getEncoder().encodeToString(credentials))
                    .append("\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code host:port}, an IPv6 address in brackets (RFC 9110 9.3.6: the request target is the
     * authority form, RFC 9112 3.2.3).
     *
     * @throws IllegalArgumentException if the host holds characters no host name or IP address
     *         has, or the port is out of range
     */
    static String authority(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the target port is not 1-65535: " + port);
        }
        String bare = host.length() >= 2 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1)
                : host;
        if (bare.isEmpty() || bare.length() > 253) {
            throw new IllegalArgumentException("the target host is empty or longer than 253 characters");
        }
        boolean ipv6 = bare.indexOf(':') >= 0;
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            boolean ok = ipv6
                    ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                            || c == '-' || c == '.' || c == '_' || c == '~';
            if (!ok) {
                throw new IllegalArgumentException("the target host is not a host name or IP address");
            }
        }
        return (ipv6 ? "[" + bare + "]" : bare) + ":" + port;
    }

    private static String proxyAddress(ProxySettings proxy) {
        return proxy.host().indexOf(':') >= 0 ? "[" + proxy.host() + "]:" + proxy.port()
                : proxy.host() + ":" + proxy.port();
    }
}
