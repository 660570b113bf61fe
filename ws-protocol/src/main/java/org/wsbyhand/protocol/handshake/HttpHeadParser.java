package org.wsbyhand.protocol.handshake;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.wsbyhand.protocol.Limits;

/**
 * An incremental parser of one HTTP/1.x request head (server side) or response head (client
 * side), resumable at any byte: feed it whatever the socket returned, in any chunking, until
 * {@link #feed(ByteBuffer)} returns true.
 *
 * <p>It consumes bytes only up to and including the empty line that ends the head and leaves the
 * rest in the buffer: a client may send its first frames right behind the request, a server its
 * first frames right behind the 101 response (RFC 6455 4.1 and 4.2.2), and they belong to the
 * frame decoder.
 *
 * <p>Limits: at most {@link Limits#maxHeadSize()} bytes are consumed and buffered, and at most
 * {@link Limits#maxHeaderCount()} header fields are accepted; beyond either the parse fails with
 * 431. Each line is validated as soon as its CRLF arrives, so malformed input fails early.
 *
 * <p>Strictness, decided here: lines end in CRLF (a bare LF or a lone CR is rejected, RFC 7230
 * 3.5 permits but does not require accepting them); obsolete line folding, whitespace before a
 * colon, names that are not tokens and control characters in values are rejected (RFC 7230 3.2.4);
 * no empty line may precede the start line; the version must be HTTP/1.x. On the client side the
 * reason phrase and the space before it may be missing.
 *
 * <p>Any input either completes the head, asks for more, or throws {@link HandshakeException}; no
 * other exception escapes. After a failure every further {@code feed} throws the same exception.
 * Failures of a request head carry their server status (400 or 431); failures of a response head
 * carry status 0, since no valid status was received. Not thread-safe; one parser per head.
 */
public final class HttpHeadParser {

    private enum Kind { REQUEST, RESPONSE }

    private enum State { START_LINE, HEADERS, DONE, FAILED }

    private static final int INITIAL_PENDING_CAPACITY = 256;
    private static final byte[] NO_BYTES = {};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Kind kind;
    private final int maxHeadSize;
    private final int maxHeaderCount;
    private final Headers.Builder headers = Headers.builder();

    private State state = State.START_LINE;
    // The start of a line that an earlier feed cut off (allocated only when that happens), and
    // whether that feed ended right after the line's CR.
    private byte[] pending;
    private int pendingLength;
    private boolean afterCr;
    private int headSize;
    // Where in the array being parsed the bytes consumed so far end; set before anything that can throw.
    private int cursor;

    private String method;
    private String target;
    private String version;
    private int status;
    private String reason;

    private HttpRequest request;
    private HttpResponse response;
    private HandshakeException failure;

    private HttpHeadParser(Kind kind, Limits limits) {
        this.kind = kind;
        Objects.requireNonNull(limits, "limits");
        this.maxHeadSize = limits.maxHeadSize();
        this.maxHeaderCount = limits.maxHeaderCount();
    }

    /**
     * A parser of the request head a server receives.
     *
     * @param limits the head size and header count limits to enforce
     * @return a new parser
     */
    public static HttpHeadParser forRequest(Limits limits) {
        return new HttpHeadParser(Kind.REQUEST, limits);
    }

    /**
     * A parser of the response head a client receives.
     *
     * @param limits the head size and header count limits to enforce
     * @return a new parser
     */
    public static HttpHeadParser forResponse(Limits limits) {
        return new HttpHeadParser(Kind.RESPONSE, limits);
    }

    /**
     * Consumes bytes of the head from {@code in}, advancing its position, and stops right after
     * the empty line that ends the head, leaving any further bytes in {@code in}.
     *
     * @param in the bytes read from the transport
     * @return true once the head is complete (also on every later call, which consumes nothing);
     *         false if all of {@code in} was consumed and more bytes are needed
     * @throws HandshakeException if the head is malformed or over a limit
     */
    public boolean feed(ByteBuffer in) throws HandshakeException {
        if (state == State.DONE) {
            return true;
        }
        if (state == State.FAILED) {
            throw failure;
        }
        int start = in.position();
        byte[] bytes;
        int from;
        int end;
        if (in.hasArray()) {
            // A heap buffer (what a socket read into a byte[] gives) is parsed in place.
            bytes = in.array();
            from = in.arrayOffset() + start;
            end = from + in.remaining();
        } else {
            // A direct or read-only buffer: parse a copy of no more than the head may still take,
            // plus one byte so that a head over the limit is noticed, then consume what was used.
            bytes = new byte[(int) Math.min(in.remaining(), (long) maxHeadSize - headSize + 1)];
            in.get(start, bytes);
            from = 0;
            end = bytes.length;
        }
        cursor = from;
        try {
            return parse(bytes, from, end);
        } catch (HandshakeException e) {
            state = State.FAILED;
            failure = e;
            throw e;
        } finally {
            in.position(start + (cursor - from));
        }
    }

    /**
     * True once the whole head has been parsed.
     *
     * @return {@code true} once the head is complete
     */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /**
     * The number of bytes of the head consumed so far (never more than the head size limit).
     *
     * @return the number of bytes consumed
     */
    public int bytesConsumed() {
        return headSize;
    }

    /**
     * The parsed request.
     *
     * @return the request
     * @throws IllegalStateException if the head is not complete or this parser reads responses
     */
    public HttpRequest request() {
        if (kind != Kind.REQUEST || state != State.DONE) {
            throw new IllegalStateException("no complete request head");
        }
        return request;
    }

    /**
     * The parsed response.
     *
     * @return the response
     * @throws IllegalStateException if the head is not complete or this parser reads requests
     */
    public HttpResponse response() {
        if (kind != Kind.RESPONSE || state != State.DONE) {
            throw new IllegalStateException("no complete response head");
        }
        return response;
    }

    /**
     * Parses {@code bytes[from, end)}: finds each line end with a scan that passes over ordinary
     * bytes eight at a time and hands complete lines to {@link #endOfLine}, straight from
     * {@code bytes} unless an earlier feed cut the line. Stops after the empty line that ends the
     * head. The limits, the order of the checks and so the answer to every input are those of a
     * byte-at-a-time parser: the head size is checked before each byte is consumed, a bare LF or
     * a CR without LF fails where it is, and a line's content is checked when its CRLF arrives.
     *
     * @return true once the head is complete
     */
    private boolean parse(byte[] bytes, int from, int end) throws HandshakeException {
        int p = from;
        while (p < end) {
            if (afterCr) {
                // The previous feed ended with the CR of the line waiting in pending.
                if (headSize == maxHeadSize) {
                    throw fail(HandshakeFailure.HEAD_TOO_LARGE, "head longer than " + maxHeadSize + " bytes");
                }
                headSize++;
                cursor = ++p;
                if (bytes[p - 1] != '\n') {
                    throw fail(HandshakeFailure.MALFORMED_LINE_ENDING, "CR not followed by LF");
                }
                afterCr = false;
                endOfLine(pendingLength == 0 ? NO_BYTES : pending, 0, pendingLength, true);
                pendingLength = 0;
                if (state == State.DONE) {
                    return true;
                }
                continue;
            }
            // Look for the line end only as far as the head size limit allows, and note on the
            // way whether the line holds a character that no field value may (RFC 7230 3.2).
            int allowed = maxHeadSize - headSize;
            int limit = end - p <= allowed ? end : p + allowed;
            int q = p;
            boolean controls = false;
            while (true) {
                while (limit - q >= 8 && allPlain(readLong(bytes, q))) {
                    q += 8;
                }
                while (q < limit && isPlain(bytes[q])) {
                    q++;
                }
                if (q == limit || isCrOrLf(bytes[q])) {
                    break;
                }
                controls |= !Syntax.isFieldValueChar(bytes[q] & 0xFF);
                q++;
            }
            headSize += q - p;
            if (q == limit) {
                keepPending(bytes, p, q - p);
                cursor = q;
                if (q < end) {
                    throw fail(HandshakeFailure.HEAD_TOO_LARGE, "head longer than " + maxHeadSize + " bytes");
                }
                return false;
            }
            headSize++;
            cursor = q + 1;
            if (bytes[q] == '\n') {
                // RFC 9112 2.2: a recipient MAY accept a bare LF; this parser does not.
                throw fail(HandshakeFailure.MALFORMED_LINE_ENDING, "line ends in a bare LF");
            }
            if (q + 1 == end) {
                keepPending(bytes, p, q - p);
                afterCr = true;
                return false;
            }
            if (headSize == maxHeadSize) {
                throw fail(HandshakeFailure.HEAD_TOO_LARGE, "head longer than " + maxHeadSize + " bytes");
            }
            headSize++;
            cursor = q + 2;
            if (bytes[q + 1] != '\n') {
                throw fail(HandshakeFailure.MALFORMED_LINE_ENDING, "CR not followed by LF");
            }
            if (pendingLength == 0) {
                endOfLine(bytes, p, q - p, controls);
            } else {
                keepPending(bytes, p, q - p);
                endOfLine(pending, 0, pendingLength, true);
                pendingLength = 0;
            }
            p = q + 2;
            if (state == State.DONE) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for the bytes a line is mostly made of, 0x20-0x7E and 0xA0-0xFE, in one comparison
     * (adding 1 and dropping the top bit puts 0x00-0x1F, DEL, 0x80-0x9F and 0xFF at 0x00-0x20);
     * the scan stops at the others, CR and LF among them, to look closer.
     */
    private static boolean isPlain(byte b) {
        return ((b + 1) & 0x7F) > 0x20;
    }

    /** {@link #isPlain} for the eight bytes of {@code word} at once. */
    private static boolean allPlain(long word) {
        // Per byte, without carries between bytes: (b & 0x7F) + 1 is at most 0x80, and its low
        // seven bits are those of b + 1. A byte of that is at most 0x20 exactly where b is not
        // plain; subtracting 0x21 from a byte below 0x80 sets its top bit exactly when it is
        // below 0x21 (the usual "has a byte less than n" test, exact for bytes under 0x80).
        long shifted = ((word & 0x7F7F7F7F7F7F7F7FL) + 0x0101010101010101L) & 0x7F7F7F7F7F7F7F7FL;
        return ((shifted - 0x2121212121212121L) & ~shifted & 0x8080808080808080L) == 0;
    }

    private static long readLong(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }

    private static boolean isCrOrLf(byte b) {
        return b == '\r' || b == '\n';
    }

    /** Appends the part of a line that this feed holds to the part earlier feeds held. */
    private void keepPending(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        int needed = pendingLength + length;
        if (pending == null || needed > pending.length) {
            // headSize bounds every line, so this never grows past maxHeadSize.
            int capacity = pending == null ? Math.min(INITIAL_PENDING_CAPACITY, maxHeadSize) : pending.length;
            while (capacity < needed) {
                capacity = Math.min(capacity * 2, maxHeadSize);
            }
            byte[] larger = new byte[capacity];
            if (pendingLength > 0) {
                System.arraycopy(pending, 0, larger, 0, pendingLength);
            }
            pending = larger;
        }
        System.arraycopy(bytes, offset, pending, pendingLength, length);
        pendingLength = needed;
    }

    /**
     * A complete line (without its CRLF) is {@code bytes[offset, offset + length)}; if
     * {@code controls} is false, it holds no character that a field value may not.
     */
    private void endOfLine(byte[] bytes, int offset, int length, boolean controls) throws HandshakeException {
        if (state == State.START_LINE) {
            // ISO-8859-1 maps every byte to one char, so obs-text survives and toBytes() restores it.
            String text = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
            if (kind == Kind.REQUEST) {
                requestLine(text);
            } else {
                statusLine(text);
            }
            state = State.HEADERS;
        } else if (length == 0) {
            Headers fields = headers.build();
            if (kind == Kind.REQUEST) {
                request = new HttpRequest(method, target, version, fields);
            } else {
                response = new HttpResponse(version, status, reason, fields);
            }
            state = State.DONE;
            pending = null;
        } else {
            headerField(bytes, offset, offset + length, controls);
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

    /**
     * RFC 7230 3.2 (RFC 9112 5): header-field = field-name ":" OWS field-value OWS, read from
     * {@code bytes[start, end)}, a non-empty line that holds no control character unless
     * {@code controls}. Name and value become strings once each and are stored as they are.
     */
    private void headerField(byte[] bytes, int start, int end, boolean controls) throws HandshakeException {
        if (Syntax.isWhitespace(bytes[start])) {
            // RFC 7230 3.2.4: obs-fold; also covers whitespace between the start line and the first field.
            throw fail(HandshakeFailure.OBSOLETE_LINE_FOLDING, "header line starts with whitespace");
        }
        if (headers.size() == maxHeaderCount) {
            throw fail(HandshakeFailure.TOO_MANY_HEADERS, "more than " + maxHeaderCount + " header fields");
        }
        int colon = start;
        while (colon < end && Syntax.isTokenChar(bytes[colon] & 0xFF)) {
            colon++;
        }
        if (colon == end || bytes[colon] != ':' || colon == start) {
            throw malformedName(bytes, start, colon, end);
        }
        int valueStart = colon + 1;
        for (int i = valueStart; controls && i < end; i++) {
            if (!Syntax.isFieldValueChar(bytes[i] & 0xFF)) {
                throw fail(HandshakeFailure.INVALID_HEADER_VALUE,
                        "control character in the value of " + latin1(bytes, start, colon));
            }
        }
        // The field value excludes leading and trailing OWS (RFC 7230 3.2.4).
        int valueEnd = end;
        while (valueStart < valueEnd && Syntax.isWhitespace(bytes[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && Syntax.isWhitespace(bytes[valueEnd - 1])) {
            valueEnd--;
        }
        headers.addValid(latin1(bytes, start, colon), latin1(bytes, valueStart, valueEnd));
    }

    /**
     * Why the line {@code bytes[start, end)}, whose token characters end at {@code stop}, has no
     * valid field name before its first colon.
     */
    private HandshakeException malformedName(byte[] bytes, int start, int stop, int end) {
        int colon = stop;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        if (colon == end) {
            return fail(HandshakeFailure.MALFORMED_HEADER_FIELD, "header line without a colon");
        }
        if (colon > start && Syntax.isWhitespace(bytes[colon - 1])) {
            // RFC 7230 3.2.4: a server MUST reject whitespace between the field name and the colon.
            return fail(HandshakeFailure.MALFORMED_HEADER_FIELD, "whitespace before the colon");
        }
        return fail(HandshakeFailure.MALFORMED_HEADER_FIELD, "header name is empty or not a token");
    }

    private static String latin1(byte[] bytes, int start, int end) {
        // ISO-8859-1 maps every byte to one char, so obs-text survives and toBytes() restores it.
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private HandshakeException fail(HandshakeFailure why, String reason) {
        int failureStatus = kind == Kind.REQUEST ? why.status() : 0;
        return new HandshakeException(why, failureStatus, reason, Headers.empty());
    }
}
