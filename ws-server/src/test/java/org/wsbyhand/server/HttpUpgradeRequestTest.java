package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.protocol.handshake.HttpRequest;

class HttpUpgradeRequestTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 5000);

    private static HttpUpgradeRequest request(String target, String... headers) {
        return new HttpUpgradeRequest(new HttpRequest("GET", target, "HTTP/1.1", Headers.of(headers)), REMOTE);
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
