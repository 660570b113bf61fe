package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.protocol.handshake.Fixtures.ascii;
import static org.wsbyhand.protocol.handshake.Fixtures.assertFails;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.Limits;

class HttpHeadParserTest {

    private static HttpHeadParser requestParser() {
        return HttpHeadParser.forRequest(Limits.defaults());
    }

    /** A request head padded with one X-Pad field so that it is exactly {@code size} bytes long. */
    private static String requestOfSize(int size) {
        String start = "GET / HTTP/1.1\r\nX-Pad: ";
        return start + "a".repeat(size - start.length() - 4) + "\r\n\r\n";
    }

    private static String requestWithFields(int count) {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < count; i++) {
            head.append("X-").append(i).append(": v\r\n");
        }
        return head.append("\r\n").toString();
    }

    @Nested
    class Requests {
        @Test
        void parsesTheRfcSampleRequest() throws HandshakeException {
            HttpRequest request = Fixtures.parseRequest(Fixtures.RFC_REQUEST);
            assertEquals("GET", request.method());
            assertEquals("/chat", request.target());
            assertEquals("HTTP/1.1", request.version());
            assertEquals(7, request.headers().size());
            assertEquals(Optional.of("chat, superchat"), request.headers().first("sec-websocket-protocol"));
            assertEquals(List.of("Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Origin",
                    "Sec-WebSocket-Protocol", "Sec-WebSocket-Version"),
                    request.headers().fields().stream().map(Headers.Field::name).toList());
        }

        @Test
        void leavesTheBytesAfterTheHeadInTheBuffer() throws HandshakeException {
            byte[] head = ascii(Fixtures.RFC_REQUEST);
            byte[] frame = {(byte) 0x81, (byte) 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            ByteBuffer in = ByteBuffer.allocate(head.length + frame.length).put(head).put(frame).flip();
            HttpHeadParser parser = requestParser();
            assertTrue(parser.feed(in));
            assertEquals(head.length, in.position());
            assertEquals(frame.length, in.remaining());
            assertEquals(head.length, parser.bytesConsumed());
        }

        @Test
        void acceptsTheHeadOneByteAtATime() throws HandshakeException {
            byte[] head = ascii(Fixtures.RFC_REQUEST);
            HttpHeadParser parser = requestParser();
            for (int i = 0; i < head.length - 1; i++) {
                assertFalse(parser.feed(ByteBuffer.wrap(head, i, 1)));
                assertFalse(parser.isComplete());
            }
            assertTrue(parser.feed(ByteBuffer.wrap(head, head.length - 1, 1)));
            assertEquals(Fixtures.parseRequest(Fixtures.RFC_REQUEST), parser.request());
        }

        @Test
        void afterCompletionFeedConsumesNothingAndKeepsReturningTrue() throws HandshakeException {
            HttpHeadParser parser = requestParser();
            parser.feed(ByteBuffer.wrap(ascii(Fixtures.RFC_REQUEST)));
            ByteBuffer more = ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\n\r\n"));
            assertTrue(parser.feed(more));
            assertEquals(0, more.position());
        }

        @Test
        void valuesAreTrimmedAndMayBeEmpty() throws HandshakeException {
            HttpRequest request = Fixtures.parseRequest("GET / HTTP/1.1\r\nA:  x y \t\r\nB:\r\nC: \r\n\r\n");
            assertEquals(Headers.of("A", "x y", "B", "", "C", ""), request.headers());
        }

        @Test
        void obsTextInValuesSurvivesAsLatin1() throws HandshakeException {
            HttpRequest request = Fixtures.parseRequest("GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n");
            assertEquals(Optional.of("caf\u00e9"), request.headers().first("X"));
        }

        @Test
        void http10RequestsParseSinceTheHandshakeDecidesAboutThem() throws HandshakeException {
            assertEquals("HTTP/1.0", Fixtures.parseRequest("GET / HTTP/1.0\r\n\r\n").version());
        }

        @Test
        void requestIsUnavailableBeforeTheHeadIsComplete() throws HandshakeException {
            HttpHeadParser parser = requestParser();
            parser.feed(ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\n")));
            assertThrows(IllegalStateException.class, parser::request);
        }

        @Test
        void aRequestParserHasNoResponse() throws HandshakeException {
            HttpHeadParser parser = requestParser();
            parser.feed(ByteBuffer.wrap(ascii(Fixtures.RFC_REQUEST)));
            assertThrows(IllegalStateException.class, parser::response);
        }
    }

    @Nested
    class SizeLimits {
        @Test
        void aHeadOfExactlyTheSizeLimitIsAccepted() throws HandshakeException {
            String head = requestOfSize(Limits.DEFAULT_MAX_HEAD_SIZE);
            assertEquals(Limits.DEFAULT_MAX_HEAD_SIZE, head.length());
            assertTrue(requestParser().feed(ByteBuffer.wrap(ascii(head))));
        }

        @Test
        void aHeadOneByteOverTheSizeLimitGets431() {
            String head = requestOfSize(Limits.DEFAULT_MAX_HEAD_SIZE + 1);
            assertFails(HandshakeFailure.HEAD_TOO_LARGE, 431, () -> requestParser().feed(ByteBuffer.wrap(ascii(head))));
        }

        @Test
        void anEndlessHeadFailsAfterConsumingExactlyTheLimit() {
            Limits limits = Limits.defaults().withMaxHeadSize(300);
            HttpHeadParser parser = HttpHeadParser.forRequest(limits);
            ByteBuffer in = ByteBuffer.wrap(ascii("GET /" + "a".repeat(1000)));
            assertFails(HandshakeFailure.HEAD_TOO_LARGE, 431, () -> parser.feed(in));
            assertEquals(300, in.position());
            assertEquals(300, parser.bytesConsumed());
        }

        @Test
        void exactlyTheHeaderCountLimitIsAccepted() throws HandshakeException {
            HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults().withMaxHeaderCount(5));
            assertTrue(parser.feed(ByteBuffer.wrap(ascii(requestWithFields(5)))));
            assertEquals(5, parser.request().headers().size());
        }

        @Test
        void oneFieldOverTheHeaderCountLimitGets431() {
            HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults().withMaxHeaderCount(5));
            assertFails(HandshakeFailure.TOO_MANY_HEADERS, 431,
                    () -> parser.feed(ByteBuffer.wrap(ascii(requestWithFields(6)))));
        }

        @Test
        void tooManyHeadersUnderTheDefaultLimitGet431() {
            assertFails(HandshakeFailure.TOO_MANY_HEADERS, 431,
                    () -> requestParser().feed(ByteBuffer.wrap(ascii(requestWithFields(Limits.DEFAULT_MAX_HEADER_COUNT + 1)))));
        }
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("GET /  HTTP/1.1\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET / HTTP/1.1 \r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET /\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("\r\nGET / HTTP/1.1\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("G\u00c9T / HTTP/1.1\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET /caf\u00e9 HTTP/1.1\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET / HTTP/1.1.1\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET / http/1.1\r\n\r\n", HandshakeFailure.MALFORMED_START_LINE),
                Arguments.of("GET / HTTP/2.0\r\n\r\n", HandshakeFailure.UNSUPPORTED_HTTP_VERSION),
                Arguments.of("GET / HTTP/0.9\r\n\r\n", HandshakeFailure.UNSUPPORTED_HTTP_VERSION),
                Arguments.of("GET / HTTP/1.1\nHost: a\n\n", HandshakeFailure.MALFORMED_LINE_ENDING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\n\r\n", HandshakeFailure.MALFORMED_LINE_ENDING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", HandshakeFailure.MALFORMED_LINE_ENDING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", HandshakeFailure.OBSOLETE_LINE_FOLDING),
                Arguments.of("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", HandshakeFailure.OBSOLETE_LINE_FOLDING),
                Arguments.of("GET / HTTP/1.1\r\nHost a\r\n\r\n", HandshakeFailure.MALFORMED_HEADER_FIELD),
                Arguments.of("GET / HTTP/1.1\r\nHost : a\r\n\r\n", HandshakeFailure.MALFORMED_HEADER_FIELD),
                Arguments.of("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", HandshakeFailure.MALFORMED_HEADER_FIELD),
                Arguments.of("GET / HTTP/1.1\r\n: a\r\n\r\n", HandshakeFailure.MALFORMED_HEADER_FIELD),
                Arguments.of("GET / HTTP/1.1\r\nHo(st): a\r\n\r\n", HandshakeFailure.MALFORMED_HEADER_FIELD),
                Arguments.of("GET / HTTP/1.1\r\nHo\u0000st: a\r\n\r\n", HandshakeFailure.MALFORMED_HEADER_FIELD),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n", HandshakeFailure.INVALID_HEADER_VALUE),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\u0007\r\n\r\n", HandshakeFailure.INVALID_HEADER_VALUE),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\u007f\r\n\r\n", HandshakeFailure.INVALID_HEADER_VALUE));
    }

    @Nested
    class MalformedRequests {
        @ParameterizedTest
        @MethodSource("org.wsbyhand.protocol.handshake.HttpHeadParserTest#malformedRequests")
        void malformedRequestHeadsGet400WithTheirOwnFailure(String head, HandshakeFailure failure) {
            assertFails(failure, 400, () -> requestParser().feed(ByteBuffer.wrap(ascii(head))));
        }

        @ParameterizedTest
        @MethodSource("org.wsbyhand.protocol.handshake.HttpHeadParserTest#malformedRequests")
        void malformedRequestHeadsFailTheSameWayByteByByte(String head, HandshakeFailure failure) {
            HttpHeadParser parser = requestParser();
            byte[] bytes = ascii(head);
            assertFails(failure, 400, () -> {
                for (int i = 0; i < bytes.length; i++) {
                    parser.feed(ByteBuffer.wrap(bytes, i, 1));
                }
            });
        }

        @Test
        void afterAFailureEveryFeedThrowsTheSameException() {
            HttpHeadParser parser = requestParser();
            HandshakeException first = assertThrows(HandshakeException.class,
                    () -> parser.feed(ByteBuffer.wrap(ascii("BAD\r\n"))));
            ByteBuffer later = ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\n\r\n"));
            assertSame(first, assertThrows(HandshakeException.class, () -> parser.feed(later)));
            assertEquals(0, later.position());
            assertThrows(IllegalStateException.class, parser::request);
        }
    }

    @Nested
    class LongLines {
        private static final String VALUE = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";

        private static String headWithValue(String value) {
            return "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + value + "\r\n\r\n";
        }

        @ParameterizedTest
        @ValueSource(chars = {'\u0000', '\u0001', '\u001f', '\u007f'})
        void aControlCharacterAtAnyOffsetOfALongValueGets400(char control) {
            for (int at = 0; at < VALUE.length(); at++) {
                String value = VALUE.substring(0, at) + control + VALUE.substring(at + 1);
                assertFails(HandshakeFailure.INVALID_HEADER_VALUE, 400,
                        () -> requestParser().feed(ByteBuffer.wrap(ascii(headWithValue(value)))));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"\n", "\rx"})
        void aBareLfOrALoneCrAtAnyOffsetOfALongValueGets400(String lineBreak) {
            for (int at = 0; at < VALUE.length(); at++) {
                String value = VALUE.substring(0, at) + lineBreak + VALUE.substring(at);
                assertFails(HandshakeFailure.MALFORMED_LINE_ENDING, 400,
                        () -> requestParser().feed(ByteBuffer.wrap(ascii(headWithValue(value)))));
            }
        }

        @ParameterizedTest
        @ValueSource(chars = {'\t', '\u0080', '\u009f', '\u00a0', '\u00ff'})
        void tabsAndObsTextAtAnyOffsetOfALongValueAreKept(char allowed) throws HandshakeException {
            for (int at = 0; at < VALUE.length(); at++) {
                String value = VALUE.substring(0, at) + allowed + VALUE.substring(at + 1);
                HttpRequest request = Fixtures.parseRequest(headWithValue(value));
                assertEquals(Optional.of(Syntax.trimWhitespace(value)), request.headers().first("x-long"));
            }
        }
    }

    @Nested
    class BufferKinds {
        private static final byte[] HEAD = ascii(Fixtures.RFC_REQUEST);
        private static final byte[] FRAME = {(byte) 0x81, (byte) 0x80, 1, 2, 3, 4};

        @ParameterizedTest
        @ValueSource(strings = {"direct", "read-only"})
        void aBufferWithoutAccessibleArrayParsesTheSameAndKeepsTheBytesBehindTheHead(String kind)
                throws HandshakeException {
            ByteBuffer heap = ByteBuffer.allocate(HEAD.length + FRAME.length).put(HEAD).put(FRAME).flip();
            ByteBuffer in = kind.equals("direct")
                    ? ByteBuffer.allocateDirect(heap.remaining()).put(heap).flip()
                    : heap.asReadOnlyBuffer();
            assertFalse(in.hasArray());
            HttpHeadParser parser = requestParser();
            assertTrue(parser.feed(in));
            assertEquals(HEAD.length, in.position());
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            assertArrayEquals(FRAME, rest);
            assertEquals(Fixtures.parseRequest(HEAD), parser.request());
        }

        @Test
        void aDirectBufferOverTheLimitFailsAfterConsumingExactlyTheLimit() {
            HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults().withMaxHeadSize(300));
            byte[] endless = ascii("GET /" + "a".repeat(1000));
            ByteBuffer in = ByteBuffer.allocateDirect(endless.length).put(endless).flip();
            assertFails(HandshakeFailure.HEAD_TOO_LARGE, 431, () -> parser.feed(in));
            assertEquals(300, in.position());
        }

        @Test
        void aHeapBufferThatIsASliceOfALargerArrayIsReadFromItsOwnOffset() throws HandshakeException {
            byte[] larger = new byte[HEAD.length + 10];
            Arrays.fill(larger, (byte) '\n');
            System.arraycopy(HEAD, 0, larger, 5, HEAD.length);
            ByteBuffer in = ByteBuffer.wrap(larger, 5, HEAD.length).slice();
            HttpHeadParser parser = requestParser();
            assertTrue(parser.feed(in));
            assertEquals(Fixtures.parseRequest(HEAD), parser.request());
        }
    }

    @Nested
    class Responses {
        private HttpHeadParser responseParser() {
            return HttpHeadParser.forResponse(Limits.defaults());
        }

        @Test
        void parsesTheRfcSampleResponseAndLeavesFrameBytes() throws HandshakeException {
            ByteBuffer in = ByteBuffer.wrap(ascii(Fixtures.RFC_RESPONSE + "\u0081\u0000"));
            HttpHeadParser parser = responseParser();
            assertTrue(parser.feed(in));
            HttpResponse response = parser.response();
            assertEquals(101, response.status());
            assertEquals("Switching Protocols", response.reason());
            assertEquals(Optional.of(Fixtures.RFC_ACCEPT), response.headers().first("Sec-WebSocket-Accept"));
            assertEquals(2, in.remaining());
        }

        @Test
        void aStatusLineWithoutReasonIsAccepted() throws HandshakeException {
            HttpResponse response = Fixtures.parseResponse(ascii("HTTP/1.1 404\r\n\r\n"));
            assertEquals(404, response.status());
            assertEquals("", response.reason());
        }

        @Test
        void aReasonWithSpacesIsKeptWhole() throws HandshakeException {
            assertEquals("Request Header Fields Too Large",
                    Fixtures.parseResponse(ascii("HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n")).reason());
        }

        @Test
        void malformedResponsesFailWithStatusZero() {
            for (String head : List.of("HTTP/1.1 1O1 Switching\r\n\r\n", "HTTP/1.1  101\r\n\r\n", "HTTP/1.1 101x\r\n\r\n",
                    "HTTP/1.1 099 x\r\n\r\n", "ICY 200 OK\r\n\r\n")) {
                assertFails(HandshakeFailure.MALFORMED_START_LINE, 0,
                        () -> responseParser().feed(ByteBuffer.wrap(ascii(head))));
            }
            assertFails(HandshakeFailure.INVALID_HEADER_VALUE, 0,
                    () -> responseParser().feed(ByteBuffer.wrap(ascii("HTTP/1.1 200 O\u0000K\r\n\r\n"))));
            assertFails(HandshakeFailure.UNSUPPORTED_HTTP_VERSION, 0,
                    () -> responseParser().feed(ByteBuffer.wrap(ascii("HTTP/2.0 101 x\r\n\r\n"))));
        }

        @Test
        void aResponseParserHasNoRequest() throws HandshakeException {
            HttpHeadParser parser = responseParser();
            parser.feed(ByteBuffer.wrap(ascii(Fixtures.RFC_RESPONSE)));
            assertThrows(IllegalStateException.class, parser::request);
        }
    }
}
