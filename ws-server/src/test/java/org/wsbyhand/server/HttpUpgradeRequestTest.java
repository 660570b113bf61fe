package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;

class HttpUpgradeRequestTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 5000);

    /** A request as the server keeps it: the bytes of its head, which parse with the default limits. */
    private static HttpUpgradeRequest request(String target, String... namesAndValues) {
        StringBuilder head = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            head.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        }
        byte[] raw = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults());
        try {
            assertTrue(parser.feed(ByteBuffer.wrap(raw)), "a complete head");
        } catch (HandshakeException e) {
            throw new AssertionError("test head does not parse: " + e.getMessage(), e);
        }
        return new HttpUpgradeRequest(parser.request(), raw, Limits.defaults(), REMOTE);
    }

    @Test
    void pathIsPercentDecodedAndQueryKeptRaw() {
        HttpUpgradeRequest request = request("/chat%20room?name=a%26b&x");
        assertEquals("/chat room", request.path());
        assertEquals("name=a%26b&x", request.query());
    }

    @Test
    void queryParametersAreDecodedInOrderWithRepeats() {
        HttpUpgradeRequest request = request("/c?tag=a&tag=b+c&empty");
        assertEquals(Map.of("tag", List.of("a", "b c"), "empty", List.of("")), request.queryParameters());
    }

    @Test
    void invalidPercentEscapeInThePathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> request("/bad%zz"));
    }

    @Test
    void cookiesAndOfferedSubprotocolsAreParsed() {
        HttpUpgradeRequest request = request("/c", "Cookie", "sid=abc; theme=\"dark\"",
                "Sec-WebSocket-Protocol", "chat.v2, json", "Sec-WebSocket-Protocol", "mqtt", "Origin", "http://x");
        assertEquals(Map.of("sid", "abc", "theme", "dark"), request.cookies());
        assertEquals(List.of("chat.v2", "json", "mqtt"), request.offeredSubprotocols());
        assertEquals("http://x", request.origin().orElseThrow());
        assertEquals(REMOTE, request.remoteAddress());
    }
}
