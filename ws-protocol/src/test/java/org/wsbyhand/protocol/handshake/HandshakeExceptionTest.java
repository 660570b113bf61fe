package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HandshakeExceptionTest {

    @Nested
    class ErrorResponses {
        @Test
        void responseBytesAreTheFullErrorResponseWithExtraHeadersAndTheReasonAsBody() {
            HandshakeException e = new HandshakeException(HandshakeFailure.UNSUPPORTED_WEBSOCKET_VERSION, 426,
                    "speak 13", Headers.of("Sec-WebSocket-Version", "13"));
            assertEquals("""
                    HTTP/1.1 426 Upgrade Required\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 9\r
                    Connection: close\r
                    Sec-WebSocket-Version: 13\r
                    \r
                    speak 13
                    """, new String(e.responseBytes(), StandardCharsets.UTF_8));
        }

        @Test
        void contentLengthCountsUtf8BytesOfTheReason() {
            HandshakeException e = HandshakeException.reject(403, "origin \u00fcber.example not allowed");
            byte[] body = e.body();
            assertEquals(Optional.of(Integer.toString(body.length)), e.toResponse().headers().first("Content-Length"));
            assertArrayEquals("origin \u00fcber.example not allowed\n".getBytes(StandardCharsets.UTF_8), body);
            assertEquals(403, e.toResponse().status());
            assertEquals("Forbidden", e.toResponse().reason());
        }

        @Test
        void aFailureWithoutExplicitStatusUsesItsOwn() {
            HandshakeException e = new HandshakeException(HandshakeFailure.MISSING_KEY, "no key");
            assertEquals(400, e.status());
            assertEquals("no key", e.reason());
            assertEquals(Headers.empty(), e.headers());
        }

        @Test
        void clientSideFailuresHaveNoErrorResponse() {
            HandshakeException e = new HandshakeException(HandshakeFailure.ACCEPT_MISMATCH, 101, "bad accept", Headers.empty());
            assertThrows(IllegalStateException.class, e::toResponse);
            assertThrows(IllegalStateException.class, e::responseBytes);
        }
    }

    @Nested
    class Construction {
        @Test
        void rejectOnlyTakesErrorStatuses() {
            assertEquals(404, HandshakeException.reject(404, "no such endpoint").status());
            assertEquals(HandshakeFailure.REJECTED, HandshakeException.reject(404, "x").failure());
            assertThrows(IllegalArgumentException.class, () -> HandshakeException.reject(302, "x"));
            assertThrows(IllegalArgumentException.class, () -> HandshakeException.reject(600, "x"));
        }

        @Test
        void statusIsZeroOrThreeDigits() {
            assertEquals(0, new HandshakeException(HandshakeFailure.MALFORMED_START_LINE, 0, "x", Headers.empty()).status());
            assertThrows(IllegalArgumentException.class,
                    () -> new HandshakeException(HandshakeFailure.MALFORMED_START_LINE, 42, "x", Headers.empty()));
        }

        @Test
        void peerFailuresKeepTheirStackTrace() {
            HandshakeException e = new HandshakeException(HandshakeFailure.MISSING_HOST, "x");
            assertEquals(getClass().getName(), e.getStackTrace()[0].getClassName());
        }
    }
}
