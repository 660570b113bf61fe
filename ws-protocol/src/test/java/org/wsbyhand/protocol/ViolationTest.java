package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ViolationTest {

    @Nested
    class CloseCodes {

        @Test
        void invalidPayloadDataViolationsCloseWith1007() {
            Set<Violation> expected = EnumSet.of(Violation.INVALID_UTF8, Violation.INVALID_CLOSE_REASON,
                    Violation.INVALID_COMPRESSED_DATA);
            for (Violation violation : expected) {
                assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, violation.closeCode(), violation.name());
            }
        }

        @Test
        void sizeViolationsCloseWith1009() {
            assertEquals(CloseCode.MESSAGE_TOO_BIG, Violation.FRAME_TOO_BIG.closeCode());
            assertEquals(CloseCode.MESSAGE_TOO_BIG, Violation.MESSAGE_TOO_BIG.closeCode());
            assertEquals(CloseCode.MESSAGE_TOO_BIG, Violation.TOO_MANY_FRAGMENTS.closeCode());
        }

        @Test
        void anExhaustedMemoryBudgetClosesWith1013TryAgainLater() {
            assertEquals(CloseCode.TRY_AGAIN_LATER, Violation.MEMORY_BUDGET_EXCEEDED.closeCode());
        }

        @Test
        void everyOtherViolationClosesWith1002() {
            Set<Violation> others = EnumSet.complementOf(EnumSet.of(Violation.INVALID_UTF8, Violation.INVALID_CLOSE_REASON,
                    Violation.INVALID_COMPRESSED_DATA, Violation.FRAME_TOO_BIG, Violation.MESSAGE_TOO_BIG,
                    Violation.TOO_MANY_FRAGMENTS, Violation.MEMORY_BUDGET_EXCEEDED));
            for (Violation violation : others) {
                assertEquals(CloseCode.PROTOCOL_ERROR, violation.closeCode(), violation.name());
            }
        }

        @ParameterizedTest
        @EnumSource(Violation.class)
        void closeCodeMayBeSentInACloseFrame(Violation violation) {
            assertTrue(violation.closeCode().isValidOnWire());
        }
    }

    @Nested
    class Descriptions {

        @ParameterizedTest
        @EnumSource(Violation.class)
        void descriptionFitsACloseReason(Violation violation) {
            // The connection sends the description as the close reason, which holds at most 123 bytes.
            int bytes = violation.description().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= ClosePayload.MAX_REASON_BYTES, violation + " is " + bytes + " bytes");
            assertFalse(violation.description().isBlank());
        }
    }
}
