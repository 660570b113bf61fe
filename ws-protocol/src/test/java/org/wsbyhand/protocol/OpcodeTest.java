package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpcodeTest {

    @Nested
    class WireValues {

        @Test
        void definedOpcodesHaveTheirSectionFiveTwoValues() {
            assertEquals(0x0, Opcode.CONTINUATION.code());
            assertEquals(0x1, Opcode.TEXT.code());
            assertEquals(0x2, Opcode.BINARY.code());
            assertEquals(0x8, Opcode.CLOSE.code());
            assertEquals(0x9, Opcode.PING.code());
            assertEquals(0xA, Opcode.PONG.code());
        }

        @Test
        void ofReturnsTheOpcodeForEachDefinedValue() {
            for (Opcode opcode : Opcode.values()) {
                assertEquals(opcode, Opcode.of(opcode.code()));
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
        void ofReturnsNullForReservedValues(int code) {
            assertNull(Opcode.of(code));
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, 16, 255, Integer.MIN_VALUE})
        void ofReturnsNullOutsideFourBits(int code) {
            assertNull(Opcode.of(code));
        }
    }

    @Nested
    class ControlFrames {

        @Test
        void closePingAndPongAreControlOpcodes() {
            assertTrue(Opcode.CLOSE.isControl());
            assertTrue(Opcode.PING.isControl());
            assertTrue(Opcode.PONG.isControl());
        }

        @Test
        void dataOpcodesAreNotControlOpcodes() {
            assertFalse(Opcode.CONTINUATION.isControl());
            assertFalse(Opcode.TEXT.isControl());
            assertFalse(Opcode.BINARY.isControl());
        }
    }
}
