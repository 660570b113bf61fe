package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HttpResponseTest {

    @Nested
    class Wire {
        @Test
        void toBytesWritesStatusLineFieldsAndEmptyLineWithCrlf() {
            HttpResponse response = new HttpResponse("HTTP/1.1", 101, "Switching Protocols",
                    Headers.of("Upgrade", "websocket", "Connection", "Upgrade"));
            assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                    Fixtures.text(response.toBytes()));
        }

        @Test
        void anEmptyReasonStillHasTheSpaceAfterTheStatus() {
            assertEquals("HTTP/1.1 204 \r\n\r\n", Fixtures.text(new HttpResponse("HTTP/1.1", 204, "", Headers.empty()).toBytes()));
        }

        @Test
        void parsingTheBytesGivesTheSameResponse() throws HandshakeException {
            HttpResponse response = new HttpResponse("HTTP/1.1", 404, "Not Found", Headers.of("Content-Length", "0"));
            assertEquals(response, Fixtures.parseResponse(response.toBytes()));
        }
    }

    @Nested
    class Validation {
        @Test
        void statusesOutsideThreeDigitsAreRejected() {
            assertThrows(IllegalArgumentException.class, () -> new HttpResponse("HTTP/1.1", 99, "", Headers.empty()));
            assertThrows(IllegalArgumentException.class, () -> new HttpResponse("HTTP/1.1", 1000, "", Headers.empty()));
        }

        @Test
        void aReasonWithALineBreakIsRejected() {
            assertThrows(IllegalArgumentException.class,
                    () -> new HttpResponse("HTTP/1.1", 200, "OK\r\nX: y", Headers.empty()));
        }

        @Test
        void reasonPhrasesOfTheHandshakeStatusesAreTheConventionalOnes() {
            assertEquals("Upgrade Required", HttpResponse.reasonPhrase(426));
            assertEquals("Request Header Fields Too Large", HttpResponse.reasonPhrase(431));
            assertEquals("", HttpResponse.reasonPhrase(299));
        }
    }
}
