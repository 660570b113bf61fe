package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrameEncoderTest {

    @Nested
    class RfcSectionFiveSevenExamples {

        @Test
        void serverEncodesSingleFrameUnmaskedText() {
            assertArrayEquals(RfcExamples.UNMASKED_TEXT, FrameEncoder.encode(Frame.of(Opcode.TEXT, RfcExamples.HELLO)));
        }

        @Test
        void clientEncodesSingleFrameMaskedText() {
            assertArrayEquals(RfcExamples.MASKED_TEXT,
                    FrameEncoder.encodeMasked(Frame.of(Opcode.TEXT, RfcExamples.HELLO), RfcExamples.MASK_KEY));
        }

        @Test
        void serverEncodesFragmentedUnmaskedText() {
            assertArrayEquals(RfcExamples.FRAGMENT_HEL, FrameEncoder.encode(new Frame(false, 0, Opcode.TEXT, hex("48656c"))));
            assertArrayEquals(RfcExamples.FRAGMENT_LO, FrameEncoder.encode(new Frame(true, 0, Opcode.CONTINUATION, hex("6c6f"))));
        }

        @Test
        void serverEncodesUnmaskedPing() {
            assertArrayEquals(RfcExamples.UNMASKED_PING, FrameEncoder.encode(Frame.of(Opcode.PING, RfcExamples.HELLO)));
        }

        @Test
        void clientEncodesMaskedPong() {
            assertArrayEquals(RfcExamples.MASKED_PONG,
                    FrameEncoder.encodeMasked(Frame.of(Opcode.PONG, RfcExamples.HELLO), RfcExamples.MASK_KEY));
        }

        @Test
        void serverEncodesBinaryWithSixteenBitLength() {
            assertArrayEquals(RfcExamples.BINARY_256, FrameEncoder.encode(Frame.of(Opcode.BINARY, RfcExamples.PAYLOAD_256)));
        }

        @Test
        void serverEncodesBinaryWithSixtyFourBitLength() {
            assertArrayEquals(RfcExamples.BINARY_65536,
                    FrameEncoder.encode(Frame.of(Opcode.BINARY, RfcExamples.PAYLOAD_65536)));
        }
    }

    @Nested
    class MinimalLengthEncoding {

        static Stream<Arguments> boundaries() {
            return Stream.of(
                    Arguments.of(0, "00"),
                    Arguments.of(125, "7d"),
                    Arguments.of(126, "7e 00 7e"),
                    Arguments.of(127, "7e 00 7f"),
                    Arguments.of(65535, "7e ff ff"),
                    Arguments.of(65536, "7f 00 00 00 00 00 01 00 00"),
                    Arguments.of(65537, "7f 00 00 00 00 00 01 00 01"));
        }

        @ParameterizedTest(name = "{0} bytes -> {1}")
        @MethodSource("boundaries")
        void unmaskedFrameUsesTheShortestLengthForm(int length, String lengthBytes) {
            byte[] frame = FrameEncoder.encode(Frame.of(Opcode.BINARY, new byte[length]));
            byte[] expectedHeader = Wire.concat(hex("82"), hex(lengthBytes));
            assertArrayEquals(expectedHeader, Arrays.copyOf(frame, expectedHeader.length));
            assertEquals(expectedHeader.length + length, frame.length);
            assertEquals(expectedHeader.length, FrameEncoder.headerLength(length, false));
        }

        @ParameterizedTest(name = "{0} bytes -> {1}")
        @MethodSource("boundaries")
        void maskedFrameUsesTheShortestLengthFormThenTheKey(int length, String lengthBytes) {
            byte[] frame = FrameEncoder.encodeMasked(Frame.of(Opcode.BINARY, new byte[length]), 0xA1B2C3D4);
            byte[] lengthField = hex(lengthBytes);
            lengthField[0] |= (byte) 0x80;
            byte[] expectedHeader = Wire.concat(hex("82"), lengthField, hex("a1 b2 c3 d4"));
            assertArrayEquals(expectedHeader, Arrays.copyOf(frame, expectedHeader.length));
            assertEquals(expectedHeader.length + length, frame.length);
            assertEquals(expectedHeader.length, FrameEncoder.headerLength(length, true));
            // A zero payload masked is the key itself, repeated.
            for (int i = 0; i < length; i++) {
                assertEquals(expectedHeader[expectedHeader.length - 4 + i % 4], frame[expectedHeader.length + i]);
            }
        }

        @Test
        void headerLengthCoversTheSixtyThreeBitRange() {
            assertEquals(10, FrameEncoder.headerLength(Long.MAX_VALUE, false));
            assertEquals(14, FrameEncoder.headerLength(Long.MAX_VALUE, true));
            assertEquals(FrameEncoder.MAX_HEADER_LENGTH, FrameEncoder.headerLength(1L << 40, true));
        }

        @Test
        void writeHeaderWritesTheFullSixtyFourBitLength() {
            byte[] header = new byte[20];
            int written = FrameEncoder.writeHeader(header, 3, true, 0, Opcode.BINARY, 0x0102030405060708L, false, 0);
            assertEquals(10, written);
            assertArrayEquals(hex("000000 82 7f 0102030405060708 00000000000000"), header);
        }
    }

    @Nested
    class HeaderBits {

        @Test
        void finAndEveryReservedBitAndOpcodeLandInTheFirstByte() {
            for (Opcode opcode : Opcode.values()) {
                for (int rsv = 0; rsv < 8; rsv++) {
                    for (boolean fin : new boolean[] {true, false}) {
                        byte[] header = new byte[2];
                        FrameEncoder.writeHeader(header, 0, fin, rsv, opcode, 0, false, 0);
                        int expected = (fin ? 0x80 : 0) | rsv << 4 | opcode.code();
                        assertEquals(expected, header[0] & 0xFF, opcode + " rsv " + rsv + " fin " + fin);
                        assertEquals(0, header[1]);
                    }
                }
            }
        }

        @Test
        void negativeLengthIsRejected() {
            assertThrows(IllegalArgumentException.class,
                    () -> FrameEncoder.writeHeader(new byte[14], 0, true, 0, Opcode.BINARY, -1, false, 0));
        }
    }

    @Nested
    class Payload {

        @Test
        void encodeTakesTheRemainingBytesAndLeavesThePositionAlone() {
            ByteBuffer payload = ByteBuffer.wrap(hex("ff ff 48 65 6c 6c 6f ff"), 2, 5);
            byte[] frame = FrameEncoder.encode(true, 0, Opcode.TEXT, payload, false, 0);
            assertArrayEquals(RfcExamples.UNMASKED_TEXT, frame);
            assertEquals(2, payload.position());
            assertEquals(7, payload.limit());
        }

        @Test
        void maskedEncodeLeavesTheCallersPayloadUnmasked() {
            byte[] original = RfcExamples.HELLO.clone();
            ByteBuffer payload = ByteBuffer.wrap(original);
            assertArrayEquals(RfcExamples.MASKED_TEXT, FrameEncoder.encode(true, 0, Opcode.TEXT, payload, true, RfcExamples.MASK_KEY));
            assertArrayEquals(RfcExamples.HELLO, original);
        }

        @Test
        void directPayloadEncodesLikeAHeapPayload() {
            ByteBuffer direct = ByteBuffer.allocateDirect(256).put(RfcExamples.PAYLOAD_256).flip();
            assertArrayEquals(RfcExamples.BINARY_256, FrameEncoder.encode(true, 0, Opcode.BINARY, direct, false, 0));
            assertEquals(0, direct.position());
        }
    }
}
