package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpRequestTest {

    private static HttpRequest target(String target) {
        return new HttpRequest("GET", target, "HTTP/1.1", Headers.empty());
    }

    @Nested
    class Target {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "/chat                         | /chat      | ''",
            "/chat?room=1&x=%20            | /chat      | room=1&x=%20",
            "/a%2Fb?                       | /a%2Fb     | ''",
            "/a?b?c                        | /a         | b?c",
            "ws://example.com/chat?room=1  | /chat      | room=1",
            "wss://example.com:8443        | /          | ''",
            "http://example.com?q          | /          | q",
        })
        void pathAndQueryAreSplitFromOriginAndAbsoluteFormTargets(String target, String path, String query) {
            HttpRequest request = target(target);
            assertEquals(path, request.path());
            assertEquals(query, request.query());
        }

        @Test
        void absoluteFormNeedsASchemeFollowedByColonSlashSlash() {
            assertTrue(target("ws://h/").isAbsoluteForm());
            assertFalse(target("/ws://h/").isAbsoluteForm());
            assertFalse(target("1ws://h/").isAbsoluteForm());
            assertFalse(target("*").isAbsoluteForm());
        }
    }

    @Nested
    class Wire {
        @Test
        void toBytesWritesRequestLineFieldsAndEmptyLineWithCrlf() {
            HttpRequest request = new HttpRequest("GET", "/chat", "HTTP/1.1",
                    Headers.of("Host", "example.com", "X-Latin", "caf\u00e9"));
            assertEquals("GET /chat HTTP/1.1\r\nHost: example.com\r\nX-Latin: caf\u00e9\r\n\r\n",
                    Fixtures.text(request.toBytes()));
            byte[] bytes = request.toBytes();
            assertEquals((byte) 0xE9, bytes[bytes.length - 5], "obs-text is written as one ISO-8859-1 byte");
        }

        @Test
        void parsingTheBytesGivesTheSameRequest() throws HandshakeException {
            HttpRequest request = new HttpRequest("GET", "/a?b", "HTTP/1.1", Headers.of("Host", "h", "X", "1"));
            assertEquals(request, Fixtures.parseRequest(request.toBytes()));
        }
    }

    @Nested
    class Validation {
        @Test
        void aMethodThatIsNotATokenIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new HttpRequest("G T", "/", "HTTP/1.1", Headers.empty()));
        }

        @Test
        void aTargetWithSpacesOrControlCharactersIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> target("/a b"));
            assertThrows(IllegalArgumentException.class, () -> target("/a\r\nX: y"));
            assertThrows(IllegalArgumentException.class, () -> target(""));
        }

        @Test
        void aMalformedVersionIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new HttpRequest("GET", "/", "HTTP/1", Headers.empty()));
        }
    }
}
