package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProtocolExceptionTest {

    @Nested
    class Contents {

        @Test
        void carriesItsViolationAndThatViolationsCloseCode() {
            ProtocolException e = new ProtocolException(Violation.INVALID_UTF8);
            assertEquals(Violation.INVALID_UTF8, e.violation());
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, e.closeCode());
        }

        @Test
        void messageIsTheDescriptionWithTheDetailAppended() {
            assertEquals(Violation.RESERVED_OPCODE.description(), new ProtocolException(Violation.RESERVED_OPCODE).getMessage());
            assertEquals(Violation.RESERVED_OPCODE.description() + ": opcode 0x3",
                    new ProtocolException(Violation.RESERVED_OPCODE, "opcode 0x3").getMessage());
        }

        @Test
        void hasNoCauseAndKeepsItsStackTrace() {
            ProtocolException e = new ProtocolException(Violation.FRAME_TOO_BIG);
            assertNull(e.getCause());
            // An uncaught one must say where it was thrown, not just print one line.
            assertEquals(getClass().getName(), e.getStackTrace()[0].getClassName());
        }
    }
}
