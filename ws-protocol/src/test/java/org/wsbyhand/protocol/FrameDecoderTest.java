package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.protocol.Wire.concat;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {

    private static final int LIMIT = Limits.DEFAULT_MAX_FRAME_SIZE;

    /** Decodes {@code wire} in every chunking and checks each gives exactly {@code expected}. */
    private static void assertDecodesEveryChunking(Role role, byte[] wire, Frame... expected) throws ProtocolException {
        for (Wire.Chunking chunking : Wire.everyChunking(wire)) {
            assertEquals(List.of(expected), FrameCollector.decode(new FrameDecoder(role, LIMIT), chunking.buffers()),
                    chunking.name());
        }
    }

    /**
     * Checks that the decoder accepts every proper prefix of {@code wire} silently and fails with
     * {@code violation} on its last byte, before any frame starts, however the bytes are chunked.
     */
    private static void assertViolationAtLastByte(Role role, int maxFrameSize,
            byte[] wire, Violation violation) {
        for (Wire.Chunking chunking : Wire.everyChunking(wire)) {
            FrameDecoder decoder = new FrameDecoder(role, maxFrameSize);
            FrameCollector collector = new FrameCollector();
            List<ByteBuffer> buffers = chunking.buffers();
            ProtocolException thrown = null;
            int consumed = 0;
            for (ByteBuffer buffer : buffers) {
                int before = buffer.remaining();
                try {
                    decoder.decode(buffer, collector);
                } catch (ProtocolException e) {
                    thrown = e;
                    consumed += before - buffer.remaining();
                    break;
                }
                consumed += before;
            }
            String context = chunking.name() + " of " + hex(wire);
            assertTrue(thrown != null, "no violation for " + context);
            assertEquals(violation, thrown.violation(), context);
            assertEquals(wire.length, consumed, "violation reported before its last byte was read, " + context);
            assertEquals(0, collector.starts, "frame reported despite the violation, " + context);
        }
    }

    private static void assertViolationAtLastByte(Role role, byte[] wire, Violation violation) {
        assertViolationAtLastByte(role, LIMIT, wire, violation);
    }

    @Nested
    class RfcSectionFiveSevenExamples {

        @Test
        void clientDecodesSingleFrameUnmaskedText() throws ProtocolException {
            assertDecodesEveryChunking(Role.CLIENT, RfcExamples.UNMASKED_TEXT, Frame.of(Opcode.TEXT, RfcExamples.HELLO));
        }

        @Test
        void serverDecodesSingleFrameMaskedText() throws ProtocolException {
            assertDecodesEveryChunking(Role.SERVER, RfcExamples.MASKED_TEXT, Frame.of(Opcode.TEXT, RfcExamples.HELLO));
        }

        @Test
        void clientDecodesFragmentedUnmaskedTextAsTwoFrames() throws ProtocolException {
            assertDecodesEveryChunking(Role.CLIENT, concat(RfcExamples.FRAGMENT_HEL, RfcExamples.FRAGMENT_LO),
                    new Frame(false, 0, Opcode.TEXT, hex("48656c")),
                    new Frame(true, 0, Opcode.CONTINUATION, hex("6c6f")));
        }

        @Test
        void clientDecodesUnmaskedPing() throws ProtocolException {
            assertDecodesEveryChunking(Role.CLIENT, RfcExamples.UNMASKED_PING, Frame.of(Opcode.PING, RfcExamples.HELLO));
        }

        @Test
        void serverDecodesMaskedPong() throws ProtocolException {
            assertDecodesEveryChunking(Role.SERVER, RfcExamples.MASKED_PONG, Frame.of(Opcode.PONG, RfcExamples.HELLO));
        }

        @Test
        void clientDecodesBinaryWithSixteenBitLength() throws ProtocolException {
            assertDecodesEveryChunking(Role.CLIENT, RfcExamples.BINARY_256, Frame.of(Opcode.BINARY, RfcExamples.PAYLOAD_256));
        }

        @Test
        void clientDecodesBinaryWithSixtyFourBitLength() throws ProtocolException {
            Frame expected = Frame.of(Opcode.BINARY, RfcExamples.PAYLOAD_65536);
            for (Wire.Chunking chunking : Wire.edgeChunkings(RfcExamples.BINARY_65536, 24)) {
                assertEquals(List.of(expected),
                        FrameCollector.decode(new FrameDecoder(Role.CLIENT, LIMIT), chunking.buffers()), chunking.name());
            }
        }

        @Test
        void serverDecodesAllMaskedExamplesFromOneBuffer() throws ProtocolException {
            byte[] stream = concat(RfcExamples.MASKED_TEXT, RfcExamples.MASKED_PONG, RfcExamples.MASKED_TEXT);
            assertDecodesEveryChunking(Role.SERVER, stream, Frame.of(Opcode.TEXT, RfcExamples.HELLO),
                    Frame.of(Opcode.PONG, RfcExamples.HELLO), Frame.of(Opcode.TEXT, RfcExamples.HELLO));
        }

        @Test
        void clientDecodesPingBetweenFragments() throws ProtocolException {
            byte[] stream = concat(RfcExamples.FRAGMENT_HEL, RfcExamples.UNMASKED_PING, RfcExamples.FRAGMENT_LO);
            assertDecodesEveryChunking(Role.CLIENT, stream,
                    new Frame(false, 0, Opcode.TEXT, hex("48656c")),
                    Frame.of(Opcode.PING, RfcExamples.HELLO),
                    new Frame(true, 0, Opcode.CONTINUATION, hex("6c6f")));
        }
    }

    @Nested
    class FramingRules {

        @ParameterizedTest(name = "RSV bits {0}")
        @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
        void serverRejectsReservedBitsWithoutExtension(int rsvBits) {
            assertViolationAtLastByte(Role.SERVER, new byte[] {(byte) (0x81 | rsvBits), (byte) 0x80},
                    Violation.RESERVED_BITS);
        }

        @ParameterizedTest(name = "RSV bits {0}")
        @ValueSource(ints = {0x40, 0x20, 0x10})
        void clientRejectsReservedBitsWithoutExtension(int rsvBits) {
            assertViolationAtLastByte(Role.CLIENT, new byte[] {(byte) (0x82 | rsvBits), 0x00}, Violation.RESERVED_BITS);
        }

        static IntStream reservedOpcodes() {
            return IntStream.of(0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF);
        }

        @ParameterizedTest(name = "opcode {0}")
        @MethodSource("reservedOpcodes")
        void serverRejectsReservedOpcode(int opcode) {
            assertViolationAtLastByte(Role.SERVER, new byte[] {(byte) (0x80 | opcode), (byte) 0x80},
                    Violation.RESERVED_OPCODE);
        }

        @ParameterizedTest(name = "opcode {0}")
        @MethodSource("reservedOpcodes")
        void clientRejectsReservedOpcodeEvenWithoutFin(int opcode) {
            assertViolationAtLastByte(Role.CLIENT, new byte[] {(byte) opcode, 0x00}, Violation.RESERVED_OPCODE);
        }

        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {0x8, 0x9, 0xA})
        void serverRejectsControlFrameWithSixteenBitLength(int opcode) {
            assertViolationAtLastByte(Role.SERVER, new byte[] {(byte) (0x80 | opcode), (byte) 0xFE},
                    Violation.CONTROL_FRAME_TOO_LONG);
        }

        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {0x8, 0x9, 0xA})
        void clientRejectsControlFrameWithSixtyFourBitLength(int opcode) {
            assertViolationAtLastByte(Role.CLIENT, new byte[] {(byte) (0x80 | opcode), 0x7F},
                    Violation.CONTROL_FRAME_TOO_LONG);
        }

        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {0x8, 0x9, 0xA})
        void serverRejectsFragmentedControlFrame(int opcode) {
            assertViolationAtLastByte(Role.SERVER, new byte[] {(byte) opcode, (byte) 0x80},
                    Violation.FRAGMENTED_CONTROL_FRAME);
        }

        @Test
        void serverAcceptsControlFrameOfExactly125Bytes() throws ProtocolException {
            byte[] payload = Wire.counting(125);
            assertDecodesEveryChunking(Role.SERVER, FrameEncoder.encodeMasked(Frame.of(Opcode.PING, payload), 0x01020304),
                    Frame.of(Opcode.PING, payload));
        }

        @Test
        void serverRejectsUnmaskedClientFrame() {
            assertViolationAtLastByte(Role.SERVER, hex("81 05"), Violation.UNMASKED_CLIENT_FRAME);
        }

        @Test
        void serverRejectsUnmaskedEmptyClientFrame() {
            assertViolationAtLastByte(Role.SERVER, hex("88 00"), Violation.UNMASKED_CLIENT_FRAME);
        }

        @Test
        void clientRejectsMaskedServerFrame() {
            assertViolationAtLastByte(Role.CLIENT, hex("81 85"), Violation.MASKED_SERVER_FRAME);
        }

        @Test
        void clientRejectsSixtyFourBitLengthWithTopBitSet() {
            assertViolationAtLastByte(Role.CLIENT, hex("82 7f 80 00 00 00 00 00 00 00"), Violation.LENGTH_OUT_OF_RANGE);
        }

        @Test
        void serverRejectsSixtyFourBitLengthWithTopBitSet() {
            assertViolationAtLastByte(Role.SERVER, hex("82 ff ff ff ff ff ff ff ff ff 01 02 03 04"),
                    Violation.LENGTH_OUT_OF_RANGE);
        }

        @Test
        void hugeLengthWithTopBitClearIsTooBigNotOutOfRange() {
            assertViolationAtLastByte(Role.CLIENT, hex("82 7f 7f ff ff ff ff ff ff ff"), Violation.FRAME_TOO_BIG);
        }
    }

    @Nested
    class FrameSizeLimit {

        @Test
        void frameOneByteOverTheLimitFailsAtItsSixteenBitLength() {
            // 1001 bytes announced; only the header is fed, the payload never arrives.
            assertViolationAtLastByte(Role.CLIENT, 1000, hex("82 7e 03 e9"), Violation.FRAME_TOO_BIG);
        }

        @Test
        void frameOverTheLimitFailsAtItsSixtyFourBitLength() {
            assertViolationAtLastByte(Role.CLIENT, 1000, hex("82 7f 00 00 00 00 00 01 00 00"),
                    Violation.FRAME_TOO_BIG);
        }

        @Test
        void maskedFrameOverTheLimitFailsAtItsHeaderBeforeThePayload() {
            assertViolationAtLastByte(Role.SERVER, 1000, hex("82 fe 03 e9 01 02 03 04"), Violation.FRAME_TOO_BIG);
        }

        @Test
        void sevenBitLengthOverASmallLimitFails() {
            assertViolationAtLastByte(Role.CLIENT, 10, hex("81 0b"), Violation.FRAME_TOO_BIG);
        }

        @Test
        void frameOfExactlyTheLimitIsAccepted() throws ProtocolException {
            byte[] payload = Wire.counting(1000);
            byte[] wire = FrameEncoder.encode(Frame.of(Opcode.BINARY, payload));
            List<Frame> frames = FrameCollector.decode(new FrameDecoder(Role.CLIENT, 1000), List.of(ByteBuffer.wrap(wire)));
            assertEquals(List.of(Frame.of(Opcode.BINARY, payload)), frames);
        }

        @Test
        void nonPositiveLimitIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(Role.SERVER, 0));
            assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(Role.SERVER, -1));
        }
    }

    @Nested
    class ReservedBitsAllowedByAnExtension {

        @Test
        void allowedRsv1IsReportedWithTheFrame() throws ProtocolException {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, LIMIT);
            decoder.allowReservedBits(Frame.RSV1);
            List<Frame> frames = FrameCollector.decode(decoder, List.of(ByteBuffer.wrap(hex("c1 02 ab cd"))));
            assertEquals(List.of(new Frame(true, Frame.RSV1, Opcode.TEXT, hex("abcd"))), frames);
        }

        @Test
        void allowingRsv1StillRejectsRsv2AndRsv3() {
            for (int bits : new int[] {0x20, 0x10, 0x60}) {
                FrameDecoder decoder = new FrameDecoder(Role.CLIENT, LIMIT);
                decoder.allowReservedBits(Frame.RSV1);
                ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.decode(
                        ByteBuffer.wrap(new byte[] {(byte) (0x81 | bits), 0}), new FrameCollector()));
                assertEquals(Violation.RESERVED_BITS, e.violation());
            }
        }

        @Test
        void allowingAllBitsAcceptsEveryCombination() throws ProtocolException {
            for (int rsv = 0; rsv < 8; rsv++) {
                FrameDecoder decoder = new FrameDecoder(Role.SERVER, LIMIT);
                decoder.allowReservedBits(7);
                byte[] wire = FrameEncoder.encode(true, rsv, Opcode.BINARY, ByteBuffer.wrap(hex("0102")), true, 0x11223344);
                assertEquals(List.of(new Frame(true, rsv, Opcode.BINARY, hex("0102"))),
                        FrameCollector.decode(decoder, List.of(ByteBuffer.wrap(wire))));
            }
        }

        @Test
        void allowingNoBitsAgainRestoresTheRule() {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, LIMIT);
            decoder.allowReservedBits(Frame.RSV1);
            decoder.allowReservedBits(0);
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> decoder.decode(ByteBuffer.wrap(hex("c1 00")), new FrameCollector()));
            assertEquals(Violation.RESERVED_BITS, e.violation());
        }
    }

    @Nested
    class Streaming {

        @Test
        void payloadIsDeliveredAsItArrivesBeforeTheFrameEnds() throws ProtocolException {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, LIMIT);
            FrameCollector collector = new FrameCollector();
            decoder.decode(ByteBuffer.wrap(Arrays.copyOf(RfcExamples.BINARY_256, 100)), collector);
            assertEquals(1, collector.starts);
            assertEquals(96, collector.payloadBytes);
            assertTrue(collector.frames.isEmpty());
            assertFalse(decoder.isAtFrameBoundary());
            decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(RfcExamples.BINARY_256, 100, 260)), collector);
            assertEquals(List.of(Frame.of(Opcode.BINARY, RfcExamples.PAYLOAD_256)), collector.frames);
            assertTrue(decoder.isAtFrameBoundary());
        }

        @Test
        void partialHeaderIsNotAFrameBoundary() throws ProtocolException {
            FrameDecoder decoder = new FrameDecoder(Role.SERVER, LIMIT);
            FrameCollector collector = new FrameCollector();
            assertTrue(decoder.isAtFrameBoundary());
            assertTrue(decoder.decode(ByteBuffer.wrap(Arrays.copyOf(RfcExamples.MASKED_TEXT, 4)), collector));
            assertFalse(decoder.isAtFrameBoundary());
            assertEquals(0, collector.starts);
        }

        @Test
        void emptyFramesAreDecodedWithoutPayloadCalls() throws ProtocolException {
            byte[] stream = hex("81 00 82 00 89 00 8a 00 88 00");
            assertDecodesEveryChunking(Role.CLIENT, stream, Frame.of(Opcode.TEXT, new byte[0]),
                    Frame.of(Opcode.BINARY, new byte[0]), Frame.of(Opcode.PING, new byte[0]),
                    Frame.of(Opcode.PONG, new byte[0]), Frame.of(Opcode.CLOSE, new byte[0]));
        }

        @Test
        void sinkCanStopDecodingAfterAFrameLeavingTheRestUnread() throws ProtocolException {
            byte[] stream = concat(hex("88 02 03 e8"), RfcExamples.UNMASKED_TEXT);
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, LIMIT);
            FrameCollector collector = new FrameCollector();
            collector.stopAfterClose = true;
            ByteBuffer in = ByteBuffer.wrap(stream);
            assertFalse(decoder.decode(in, collector));
            assertEquals(4, in.position());
            assertEquals(List.of(Frame.of(Opcode.CLOSE, hex("03e8"))), collector.frames);
            assertTrue(decoder.isAtFrameBoundary());
        }

        @Test
        void directAndReadOnlyBuffersDecodeLikeHeapBuffers() throws ProtocolException {
            byte[] payload = Wire.randomBytes(20_000, 7);
            byte[] wire = FrameEncoder.encodeMasked(Frame.of(Opcode.BINARY, payload), 0xCAFEBABE);
            ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
            ByteBuffer readOnly = ByteBuffer.wrap(wire.clone()).asReadOnlyBuffer();
            List<Frame> expected = List.of(Frame.of(Opcode.BINARY, payload));
            assertEquals(expected, FrameCollector.decode(new FrameDecoder(Role.SERVER, LIMIT), List.of(direct)));
            assertEquals(expected, FrameCollector.decode(new FrameDecoder(Role.SERVER, LIMIT), List.of(readOnly)));
        }

        @Test
        void heapInputWithNonZeroArrayOffsetIsUnmaskedInPlace() throws ProtocolException {
            byte[] backing = concat(hex("ee ee ee"), RfcExamples.MASKED_TEXT, hex("ee"));
            ByteBuffer slice = ByteBuffer.wrap(backing, 3, RfcExamples.MASKED_TEXT.length).slice();
            List<Frame> frames = FrameCollector.decode(new FrameDecoder(Role.SERVER, LIMIT), List.of(slice));
            assertEquals(List.of(Frame.of(Opcode.TEXT, RfcExamples.HELLO)), frames);
            assertArrayEquals(RfcExamples.HELLO, Arrays.copyOfRange(backing, 9, 14));
            assertArrayEquals(hex("eeeeee"), Arrays.copyOf(backing, 3));
            assertEquals((byte) 0xee, backing[14]);
        }

        @Test
        void decoderKeepsNoStateBetweenFrames() throws ProtocolException {
            // A masked frame followed by frames with other keys, lengths and header sizes.
            List<Frame> frames = new ArrayList<>();
            List<byte[]> wires = new ArrayList<>();
            int[] lengths = {0, 1, 125, 126, 300, 65535, 65536, 3};
            for (int i = 0; i < lengths.length; i++) {
                Frame frame = new Frame(i % 2 == 0, 0, i == 0 ? Opcode.BINARY : Opcode.CONTINUATION,
                        Wire.randomBytes(lengths[i], i));
                frames.add(frame);
                wires.add(FrameEncoder.encodeMasked(frame, 0x9E3779B9 * (i + 1)));
            }
            byte[] stream = concat(wires.toArray(byte[][]::new));
            assertEquals(frames, FrameCollector.decode(new FrameDecoder(Role.SERVER, LIMIT),
                    Wire.chunked(stream, List.of(1, 7, 4096, 3, 65537)).stream().map(ByteBuffer::wrap).toList()));
        }

        static Stream<Arguments> headerLengths() {
            return Stream.of(Arguments.of(125, 2), Arguments.of(126, 4), Arguments.of(65535, 4), Arguments.of(65536, 10));
        }

        @ParameterizedTest(name = "{0} bytes")
        @MethodSource("headerLengths")
        void frameStartIsReportedOnlyOnceTheWholeHeaderArrived(int length, int headerLength) throws ProtocolException {
            byte[] wire = FrameEncoder.encodeMasked(Frame.of(Opcode.BINARY, new byte[length]), 0x01020304);
            FrameDecoder decoder = new FrameDecoder(Role.SERVER, LIMIT);
            FrameCollector collector = new FrameCollector();
            int maskedHeader = headerLength + 4;
            decoder.decode(ByteBuffer.wrap(Arrays.copyOf(wire, maskedHeader - 1)), collector);
            assertEquals(0, collector.starts);
            decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(wire, maskedHeader - 1, maskedHeader)), collector);
            assertEquals(1, collector.starts);
            assertEquals(0, collector.payloadBytes);
            assertDoesNotThrow(() -> decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(wire, maskedHeader, wire.length)),
                    collector));
            assertEquals(List.of(Frame.of(Opcode.BINARY, new byte[length])), collector.frames);
        }
    }
}
