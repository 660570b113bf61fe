package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloseCodeTest {

    @Nested
    class ValidOnWire {

        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
        void definedAndApplicationCodesMayBeSent(int code) {
            assertTrue(CloseCode.of(code).isValidOnWire());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void reservedUnassignedAndOutOfRangeCodesMayNotBeSent(int code) {
            assertFalse(CloseCode.of(code).isValidOnWire());
        }

        @Test
        void everyCodeFrom0To65535IsValidExactlyInTheRangesOfSectionSevenFour() {
            int valid = 0;
            for (int code = 0; code <= 0xFFFF; code++) {
                boolean expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
                        || (code >= 3000 && code <= 4999);
                assertEquals(expected, CloseCode.of(code).isValidOnWire(), "code " + code);
                valid += expected ? 1 : 0;
            }
            assertEquals(4 + 8 + 2000, valid);
        }
    }

    @Nested
    class Values {

        @Test
        void codesOutsideSixteenBitsAreRejected() {
            assertThrows(IllegalArgumentException.class, () -> CloseCode.of(-1));
            assertThrows(IllegalArgumentException.class, () -> CloseCode.of(65536));
        }

        @Test
        void codesAreComparedByValue() {
            assertEquals(CloseCode.NORMAL_CLOSURE, CloseCode.of(1000));
            assertEquals(CloseCode.of(4321), new CloseCode(4321));
        }

        @Test
        void constantsCarryTheirRegistryNumbers() {
            assertEquals(1000, CloseCode.NORMAL_CLOSURE.code());
            assertEquals(1001, CloseCode.GOING_AWAY.code());
            assertEquals(1002, CloseCode.PROTOCOL_ERROR.code());
            assertEquals(1003, CloseCode.UNSUPPORTED_DATA.code());
            assertEquals(1005, CloseCode.NO_STATUS_RECEIVED.code());
            assertEquals(1006, CloseCode.ABNORMAL_CLOSURE.code());
            assertEquals(1007, CloseCode.INVALID_FRAME_PAYLOAD_DATA.code());
            assertEquals(1008, CloseCode.POLICY_VIOLATION.code());
            assertEquals(1009, CloseCode.MESSAGE_TOO_BIG.code());
            assertEquals(1010, CloseCode.MANDATORY_EXTENSION.code());
            assertEquals(1011, CloseCode.INTERNAL_ERROR.code());
            assertEquals(1012, CloseCode.SERVICE_RESTART.code());
            assertEquals(1013, CloseCode.TRY_AGAIN_LATER.code());
            assertEquals(1014, CloseCode.BAD_GATEWAY.code());
            assertEquals(1015, CloseCode.TLS_HANDSHAKE.code());
        }

        @Test
        void namesComeFromTheRegistryOrTheRange() {
            assertEquals("Normal Closure", CloseCode.NORMAL_CLOSURE.name());
            assertEquals("Message Too Big", CloseCode.MESSAGE_TOO_BIG.name());
            assertEquals("application code", CloseCode.of(4000).name());
            assertEquals("unknown", CloseCode.of(2000).name());
            assertEquals("1009 (Message Too Big)", CloseCode.MESSAGE_TOO_BIG.toString());
        }
    }
}
