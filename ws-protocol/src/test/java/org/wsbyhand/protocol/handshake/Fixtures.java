package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.wsbyhand.protocol.Limits;

/** Shared inputs of the handshake tests: the RFC 6455 examples and small helpers. */
final class Fixtures {

    /** RFC 6455 section 1.2/1.3: the sample client handshake. */
    static final String RFC_REQUEST = """
            GET /chat HTTP/1.1\r
            Host: server.example.com\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Origin: http://example.com\r
            Sec-WebSocket-Protocol: chat, superchat\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    /** RFC 6455 section 1.2/1.3: the server's answer to {@link #RFC_REQUEST}. */
    static final String RFC_RESPONSE = """
            HTTP/1.1 101 Switching Protocols\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
            Sec-WebSocket-Protocol: chat\r
            \r
            """;

    static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private Fixtures() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Parses a complete request head, failing the test if it is incomplete. */
    static HttpRequest parseRequest(String head) throws HandshakeException {
        return parseRequest(ascii(head));
    }

    static HttpRequest parseRequest(byte[] head) throws HandshakeException {
        HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults());
        ByteBuffer in = ByteBuffer.wrap(head);
        assertTrue(parser.feed(in), "request head should be complete");
        return parser.request();
    }

    static HttpResponse parseResponse(byte[] head) throws HandshakeException {
        HttpHeadParser parser = HttpHeadParser.forResponse(Limits.defaults());
        assertTrue(parser.feed(ByteBuffer.wrap(head)), "response head should be complete");
        return parser.response();
    }

    /** The RFC sample request's headers, without the subprotocol offer. */
    static Headers.Builder validHeaders() {
        return Headers.builder()
                .add("Host", "server.example.com")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", RFC_KEY)
                .add("Sec-WebSocket-Version", "13");
    }

    static HttpRequest get(Headers headers) {
        return new HttpRequest("GET", "/chat", "HTTP/1.1", headers);
    }

    /** Asserts the call fails with this failure and status, and returns the exception. */
    static HandshakeException assertFails(HandshakeFailure failure, int status, Failing call) {
        try {
            call.run();
        } catch (HandshakeException e) {
            if (e.failure() != failure || e.status() != status) {
                fail("expected " + failure + "/" + status + " but got " + e);
            }
            return e;
        }
        return fail("expected " + failure + "/" + status + " but the call succeeded");
    }

    /** A call that may throw {@link HandshakeException}. */
    @FunctionalInterface
    interface Failing {
        void run() throws HandshakeException;
    }

    /** Accepts the first offer of its name as it was offered, like a permissive extension. */
    record AcceptFirst(String name) implements ExtensionNegotiator {
        @Override
        public Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offersOfThisName) {
            return Optional.of(offersOfThisName.get(0));
        }
    }
}
