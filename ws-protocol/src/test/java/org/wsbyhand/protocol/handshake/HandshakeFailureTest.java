package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HandshakeFailureTest {

    @Nested
    class Statuses {
        @Test
        void everyFailureAnswersWithAClientErrorStatus() {
            for (HandshakeFailure failure : HandshakeFailure.values()) {
                assertTrue(failure.status() >= 400 && failure.status() < 500, failure + " has " + failure.status());
                assertFalse(failure.description().isBlank(), failure + " has no description");
            }
        }

        @Test
        void theRfcMandatedStatusesAreUsed() {
            assertEquals(405, HandshakeFailure.METHOD_NOT_ALLOWED.status());
            assertEquals(426, HandshakeFailure.UNSUPPORTED_WEBSOCKET_VERSION.status());
            assertEquals(431, HandshakeFailure.HEAD_TOO_LARGE.status());
            assertEquals(431, HandshakeFailure.TOO_MANY_HEADERS.status());
        }
    }
}
