package org.wsbyhand.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.wsbyhand.protocol.Limits;

/**
 * The test oracle for {@link HttpHeadParser}: the byte-at-a-time parser it replaced, kept as
 * simple as possible (one state step per byte, every line copied into a buffer and read as a
 * String). {@code HttpHeadParserProperties} checks that the fast parser answers every input, in
 * every chunking, exactly as this one does: the same head, or the same failure with the same
 * status and reason, and the same bytes consumed. Change both together when the rules change.
 */
final class ByteAtATimeHeadParser {

    private enum Kind { REQUEST, RESPONSE }

    private enum State { START_LINE, HEADERS, DONE, FAILED }

    private static final int INITIAL_LINE_CAPACITY = 256;

    private final Kind kind;
    private final int maxHeadSize;
    private final int maxHeaderCount;
    private final Headers.Builder headers = Headers.builder();

    private State state = State.START_LINE;
    private byte[] line = new byte[INITIAL_LINE_CAPACITY];
    private int lineLength;
    private boolean afterCr;
    private int headSize;

    private String method;
    private String target;
    private String version;
    private int status;
    private String reason;

    private HttpRequest request;
    private HttpResponse response;
    private HandshakeException failure;

    private ByteAtATimeHeadParser(Kind kind, Limits limits) {
        this.kind = kind;
        Objects.requireNonNull(limits, "limits");
        this.maxHeadSize = limits.maxHeadSize();
        this.maxHeaderCount = limits.maxHeaderCount();
    }

    /** A parser of the request head a server receives. */
    static ByteAtATimeHeadParser forRequest(Limits limits) {
        return new ByteAtATimeHeadParser(Kind.REQUEST, limits);
    }

    /** A parser of the response head a client receives. */
    static ByteAtATimeHeadParser forResponse(Limits limits) {
        return new ByteAtATimeHeadParser(Kind.RESPONSE, limits);
    }

    /**
     * Consumes bytes of the head from {@code in}, advancing its position, and stops right after
     * the empty line that ends the head, leaving any further bytes in {@code in}.
     *
     * @return true once the head is complete (also on every later call, which consumes nothing);
     *         false if all of {@code in} was consumed and more bytes are needed
     * @throws HandshakeException if the head is malformed or over a limit
     */
    boolean feed(ByteBuffer in) throws HandshakeException {
        if (state == State.DONE) {
            return true;
        }
        if (state == State.FAILED) {
            throw failure;
        }
        try {
            while (in.hasRemaining()) {
                if (headSize == maxHeadSize) {
                    throw fail(HandshakeFailure.HEAD_TOO_LARGE, "head longer than " + maxHeadSize + " bytes");
                }
                byte b = in.get();
                headSize++;
                if (afterCr) {
                    if (b != '\n') {
                        throw fail(HandshakeFailure.MALFORMED_LINE_ENDING, "CR not followed by LF");
                    }
                    afterCr = false;
                    endOfLine();
                    if (state == State.DONE) {
                        return true;
                    }
                } else if (b == '\r') {
                    afterCr = true;
                } else if (b == '\n') {
                    throw fail(HandshakeFailure.MALFORMED_LINE_ENDING, "line ends in a bare LF");
                } else {
                    append(b);
                }
            }
            return false;
        } catch (HandshakeException e) {
            state = State.FAILED;
            failure = e;
            throw e;
        }
    }

    /** True once the whole head has been parsed. */
    boolean isComplete() {
        return state == State.DONE;
    }

    /** The number of bytes of the head consumed so far (never more than the head size limit). */
    int bytesConsumed() {
        return headSize;
    }

    /**
     * The parsed request.
     *
     * @throws IllegalStateException if the head is not complete or this parser reads responses
     */
    HttpRequest request() {
        if (kind != Kind.REQUEST || state != State.DONE) {
            throw new IllegalStateException("no complete request head");
        }
        return request;
    }

    /**
     * The parsed response.
     *
     * @throws IllegalStateException if the head is not complete or this parser reads requests
     */
    HttpResponse response() {
        if (kind != Kind.RESPONSE || state != State.DONE) {
            throw new IllegalStateException("no complete response head");
        }
        return response;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            // headSize bounds every line, so this never grows past maxHeadSize.
            byte[] larger = new byte[Math.min(line.length * 2, maxHeadSize)];
            System.arraycopy(line, 0, larger, 0, lineLength);
            line = larger;
        }
        line[lineLength++] = b;
    }

    private void endOfLine() throws HandshakeException {
        // ISO-8859-1 maps every byte to one char, so obs-text survives and toBytes() restores it.
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        if (state == State.START_LINE) {
            if (kind == Kind.REQUEST) {
                requestLine(text);
            } else {
                statusLine(text);
            }
            state = State.HEADERS;
        } else if (text.isEmpty()) {
            Headers fields = headers.build();
            if (kind == Kind.REQUEST) {
                request = new HttpRequest(method, target, version, fields);
            } else {
                response = new HttpResponse(version, status, reason, fields);
            }
            state = State.DONE;
            line = null;
        } else {
            headerField(text);
        }
    }

    /** RFC 7230 3.1.1: request-line = method SP request-target SP HTTP-version. */
    private void requestLine(String text) throws HandshakeException {
        int firstSpace = text.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : text.indexOf(' ', firstSpace + 1);
        if (secondSpace < 0 || text.indexOf(' ', secondSpace + 1) >= 0) {
            throw fail(HandshakeFailure.MALFORMED_START_LINE, "request line is not: method SP target SP version");
        }
        method = text.substring(0, firstSpace);
        target = text.substring(firstSpace + 1, secondSpace);
        version = text.substring(secondSpace + 1);
        if (!Syntax.isToken(method)) {
            throw fail(HandshakeFailure.MALFORMED_START_LINE, "method is not a token");
        }
        if (!Syntax.isTarget(target)) {
            throw fail(HandshakeFailure.MALFORMED_START_LINE, "request target is empty or not visible US-ASCII");
        }
        checkVersion();
    }

    /** RFC 7230 3.1.2: status-line = HTTP-version SP status-code SP reason-phrase (reason optional here). */
    private void statusLine(String text) throws HandshakeException {
        if (text.length() < 12 || text.charAt(8) != ' ' || (text.length() > 12 && text.charAt(12) != ' ')) {
            throw fail(HandshakeFailure.MALFORMED_START_LINE, "status line is not: version SP status SP reason");
        }
        version = text.substring(0, 8);
        checkVersion();
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = text.charAt(i);
            if (!Syntax.isDigit(c)) {
                throw fail(HandshakeFailure.MALFORMED_START_LINE, "status code is not three digits");
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100) {
            throw fail(HandshakeFailure.MALFORMED_START_LINE, "status code below 100");
        }
        reason = text.length() > 12 ? text.substring(13) : "";
        if (!Syntax.isFieldValue(reason)) {
            throw fail(HandshakeFailure.INVALID_HEADER_VALUE, "control character in the reason phrase");
        }
        status = code;
    }

    private void checkVersion() throws HandshakeException {
        if (!Syntax.isHttpVersion(version)) {
            throw fail(HandshakeFailure.MALFORMED_START_LINE, "malformed HTTP version");
        }
        if (version.charAt(5) != '1') {
            throw fail(HandshakeFailure.UNSUPPORTED_HTTP_VERSION, "only HTTP/1.x is supported, not " + version);
        }
    }

    /** RFC 7230 3.2: header-field = field-name ":" OWS field-value OWS. */
    private void headerField(String text) throws HandshakeException {
        if (Syntax.isWhitespace(text.charAt(0))) {
            // RFC 7230 3.2.4: obs-fold; also covers whitespace between the start line and the first field.
            throw fail(HandshakeFailure.OBSOLETE_LINE_FOLDING, "header line starts with whitespace");
        }
        if (headers.size() == maxHeaderCount) {
            throw fail(HandshakeFailure.TOO_MANY_HEADERS, "more than " + maxHeaderCount + " header fields");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw fail(HandshakeFailure.MALFORMED_HEADER_FIELD, "header line without a colon");
        }
        String name = text.substring(0, colon);
        if (!name.isEmpty() && Syntax.isWhitespace(name.charAt(name.length() - 1))) {
            // RFC 7230 3.2.4: a server MUST reject whitespace between the field name and the colon.
            throw fail(HandshakeFailure.MALFORMED_HEADER_FIELD, "whitespace before the colon");
        }
        if (!Syntax.isToken(name)) {
            throw fail(HandshakeFailure.MALFORMED_HEADER_FIELD, "header name is empty or not a token");
        }
        String value = text.substring(colon + 1);
        if (!Syntax.isFieldValue(value)) {
            throw fail(HandshakeFailure.INVALID_HEADER_VALUE, "control character in the value of " + name);
        }
        headers.add(name, value);
    }

    private HandshakeException fail(HandshakeFailure why, String reason) {
        int failureStatus = kind == Kind.REQUEST ? why.status() : 0;
        return new HandshakeException(why, failureStatus, reason, Headers.empty());
    }
}
