package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Nested
    class Validation {

        @Test
        void reservedBitsOutsideZeroToSevenAreRejected() {
            assertThrows(IllegalArgumentException.class, () -> new Frame(true, 8, Opcode.TEXT, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> new Frame(true, -1, Opcode.TEXT, new byte[0]));
        }

        @Test
        void missingOpcodeIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new Frame(true, 0, null, new byte[0]));
        }

        @Test
        void ofMakesAFinalFrameWithoutReservedBits() {
            Frame frame = Frame.of(Opcode.PING, new byte[] {1, 2});
            assertTrue(frame.fin());
            assertEquals(0, frame.rsv());
            assertEquals(Opcode.PING, frame.opcode());
            assertEquals(2, frame.length());
        }
    }

    @Nested
    class Immutability {

        @Test
        void changingTheArrayPassedInDoesNotChangeTheFrame() {
            byte[] payload = {1, 2, 3};
            Frame frame = Frame.of(Opcode.BINARY, payload);
            payload[0] = 9;
            assertArrayEquals(new byte[] {1, 2, 3}, frame.payload());
        }

        @Test
        void changingTheArrayHandedOutDoesNotChangeTheFrame() {
            Frame frame = Frame.of(Opcode.BINARY, new byte[] {1, 2, 3});
            frame.payload()[0] = 9;
            assertArrayEquals(new byte[] {1, 2, 3}, frame.payload());
        }
    }

    @Nested
    class Equality {

        @Test
        void framesWithEqualContentAreEqualAndHashAlike() {
            Frame a = new Frame(false, 4, Opcode.TEXT, new byte[] {1, 2});
            Frame b = new Frame(false, 4, Opcode.TEXT, new byte[] {1, 2});
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
        }

        @Test
        void framesDifferingInAnyComponentAreNotEqual() {
            Frame base = new Frame(true, 0, Opcode.BINARY, new byte[] {1});
            assertNotEquals(base, new Frame(false, 0, Opcode.BINARY, new byte[] {1}));
            assertNotEquals(base, new Frame(true, 1, Opcode.BINARY, new byte[] {1}));
            assertNotEquals(base, new Frame(true, 0, Opcode.TEXT, new byte[] {1}));
            assertNotEquals(base, new Frame(true, 0, Opcode.BINARY, new byte[] {2}));
            assertFalse(base.equals(null));
        }

        @Test
        void toStringShowsSmallPayloadsInHexAndLargeOnesByLength() {
            assertTrue(Frame.of(Opcode.TEXT, RfcExamples.HELLO).toString().contains("48656c6c6f"));
            assertTrue(Frame.of(Opcode.BINARY, new byte[17]).toString().contains("17 bytes"));
        }
    }
}
