package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes {@link FrameDecoder} in both roles with any bytes, any chunking and every kind of buffer
 * (heap, heap slice, direct, read-only: the in-place and the copying unmasking paths).
 *
 * <p>Input: one configuration byte (bit 0: role; bits 1-3: the reserved bits allowed; bits 4-5: the
 * frame size limit, 125, 126, 1000 or 65536 bytes), a chunker (see {@link FuzzInput#nextChunker()}),
 * then the bytes a peer sent.
 *
 * <p>Checked against {@link ReferenceFrames}, a plain whole-buffer reading of the same bytes: only
 * {@link ProtocolException} escapes; the frames delivered are exactly the reference's frames (fin,
 * reserved bits, opcode, unmasked payload), with the payload of a cut-off last frame delivered as far
 * as it arrived; a violation is thrown exactly at the first header that breaks a framing rule and
 * names a rule that header breaks, and a decoder that throws nothing saw no such header; every chunk
 * is consumed; every delivered header keeps the rules (limit, control frames final and at most 125
 * bytes, only allowed reserved bits); {@link FrameDecoder#isAtFrameBoundary()} is true exactly when
 * the bytes end between frames.
 */
class FrameDecoderFuzzTest {

    private static final int[] FRAME_LIMITS = {125, 126, 1000, 65536};

    @FuzzTest(maxDuration = "45s")
    void decoderDeliversExactlyTheFramesOfAWholeBufferReadingInAnyChunking(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        int config = in.nextByte();
        Role role = (config & 1) == 0 ? Role.SERVER : Role.CLIENT;
        int allowedRsv = (config >> 1) & 7;
        int maxFrameSize = FRAME_LIMITS[(config >> 4) & 3];
        FuzzInput.Chunker chunker = in.nextChunker();
        byte[] wire = in.rest();

        FrameDecoder decoder = new FrameDecoder(role, maxFrameSize);
        decoder.allowReservedBits(allowedRsv);
        CheckingSink sink = new CheckingSink(maxFrameSize, allowedRsv);
        ProtocolException failure = null;
        for (ByteBuffer chunk : chunker.cut(wire)) {
            try {
                assertTrue(decoder.decode(chunk, sink), "decode stopped although the sink never asked it to");
            } catch (ProtocolException e) {
                failure = e;
                break;
            }
            assertFalse(chunk.hasRemaining(), "decode left " + chunk.remaining() + " bytes of a chunk unread");
        }

        ReferenceFrames reference = ReferenceFrames.read(wire, role, allowedRsv, maxFrameSize);
        if (failure == null) {
            assertTrue(reference.broken.isEmpty(), "no violation thrown, but frame " + reference.frames.size()
                    + " breaks " + reference.broken);
            assertEquals(reference.frames.size(), sink.frames.size(), "number of complete frames");
            for (int i = 0; i < reference.frames.size(); i++) {
                assertEquals(reference.frames.get(i), sink.frames.get(i), "frame " + i);
            }
            assertArrayEquals(reference.partialPayload, sink.partialPayload(), "payload of the cut-off last frame");
            assertEquals(reference.endsBetweenFrames, decoder.isAtFrameBoundary(), "isAtFrameBoundary");
        } else {
            assertNotNull(failure.violation(), "a ProtocolException without a violation");
            assertFalse(reference.broken.isEmpty(), "decoder threw " + failure.violation()
                    + " but the reference finds every header valid");
            assertTrue(reference.broken.contains(failure.violation()), "decoder threw " + failure.violation()
                    + " where the header breaks " + reference.broken);
            assertEquals(reference.frames.size(), sink.frames.size(), "frames before the violation");
            for (int i = 0; i < reference.frames.size(); i++) {
                assertEquals(reference.frames.get(i), sink.frames.get(i), "frame " + i);
            }
        }
    }

    /** Collects the frames a decoder delivers and checks each callback against the framing rules. */
    private static final class CheckingSink implements FrameSink {
        final List<Frame> frames = new ArrayList<>();
        private final int maxFrameSize;
        private final int allowedRsv;
        private ByteArrayOutputStream payload;
        private boolean fin;
        private int rsv;
        private Opcode opcode;
        private long declared;

        CheckingSink(int maxFrameSize, int allowedRsv) {
            this.maxFrameSize = maxFrameSize;
            this.allowedRsv = allowedRsv;
        }

        @Override
        public void frameStart(boolean fin, int rsv, Opcode opcode, long length) {
            if (payload != null) {
                fail("frameStart inside a frame");
            }
            assertNotNull(opcode, "frameStart without an opcode");
            assertTrue(length >= 0 && length <= maxFrameSize, "declared length " + length + " over " + maxFrameSize);
            assertEquals(0, rsv & ~allowedRsv, "reserved bits " + rsv + " delivered, allowed " + allowedRsv);
            if (opcode.isControl()) {
                assertTrue(fin, "fragmented control frame delivered");
                assertTrue(length <= 125, "control frame of " + length + " bytes delivered");
            }
            this.fin = fin;
            this.rsv = rsv;
            this.opcode = opcode;
            this.declared = length;
            this.payload = new ByteArrayOutputStream();
        }

        @Override
        public void framePayload(byte[] bytes, int offset, int length) {
            assertNotNull(payload, "payload outside a frame");
            assertTrue(length > 0, "empty payload chunk");
            payload.write(bytes, offset, length);
            assertTrue(payload.size() <= declared, "more payload than the header declared");
        }

        @Override
        public boolean frameEnd() {
            assertNotNull(payload, "frameEnd outside a frame");
            assertEquals(declared, payload.size(), "frame ended before its declared length");
            frames.add(new Frame(fin, rsv, opcode, payload.toByteArray()));
            payload = null;
            return true;
        }

        byte[] partialPayload() {
            return payload == null ? new byte[0] : payload.toByteArray();
        }
    }

    /**
     * The test's own reading of a byte string as frames, from one whole array and in the plainest
     * way: header fields by the table of RFC 6455 section 5.2, the payload unmasked byte by byte.
     * It records the complete frames, the payload bytes of a last frame cut off by the end of the
     * input, and for the first header that breaks a framing rule, every rule it breaks: the rules
     * the first two bytes decide as soon as two bytes are there, the length rules once the whole
     * header is.
     */
    static final class ReferenceFrames {
        final List<Frame> frames = new ArrayList<>();
        final Set<Violation> broken = EnumSet.noneOf(Violation.class);
        byte[] partialPayload = new byte[0];
        boolean endsBetweenFrames;

        static ReferenceFrames read(byte[] wire, Role role, int allowedRsv, int maxFrameSize) {
            ReferenceFrames result = new ReferenceFrames();
            int at = 0;
            while (true) {
                if (at == wire.length) {
                    result.endsBetweenFrames = true;
                    return result;
                }
                if (wire.length - at < 2) {
                    return result;
                }
                int b0 = wire[at] & 0xFF;
                int b1 = wire[at + 1] & 0xFF;
                boolean fin = (b0 & 0x80) != 0;
                int rsv = (b0 >> 4) & 7;
                int op = b0 & 0x0F;
                boolean masked = (b1 & 0x80) != 0;
                int len7 = b1 & 0x7F;
                boolean control = op >= 8;
                if (!(op <= 2 || op == 8 || op == 9 || op == 10)) {
                    result.broken.add(Violation.RESERVED_OPCODE);
                }
                if ((rsv & ~allowedRsv) != 0) {
                    result.broken.add(Violation.RESERVED_BITS);
                }
                if (control && !fin) {
                    result.broken.add(Violation.FRAGMENTED_CONTROL_FRAME);
                }
                if (control && len7 > 125) {
                    result.broken.add(Violation.CONTROL_FRAME_TOO_LONG);
                }
                if (role == Role.SERVER && !masked) {
                    result.broken.add(Violation.UNMASKED_CLIENT_FRAME);
                }
                if (role == Role.CLIENT && masked) {
                    result.broken.add(Violation.MASKED_SERVER_FRAME);
                }
                if (!result.broken.isEmpty()) {
                    return result;
                }
                int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                int headerLength = 2 + extra + (masked ? 4 : 0);
                if (wire.length - at < headerLength) {
                    return result;
                }
                java.math.BigInteger length = java.math.BigInteger.valueOf(len7);
                if (extra > 0) {
                    length = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(wire, at + 2, at + 2 + extra));
                }
                if (extra == 8 && length.testBit(63)) {
                    result.broken.add(Violation.LENGTH_OUT_OF_RANGE);
                }
                if (length.compareTo(java.math.BigInteger.valueOf(maxFrameSize)) > 0) {
                    result.broken.add(Violation.FRAME_TOO_BIG);
                }
                if (!result.broken.isEmpty()) {
                    return result;
                }
                int size = length.intValueExact();
                byte[] key = masked ? java.util.Arrays.copyOfRange(wire, at + 2 + extra, at + headerLength) : new byte[4];
                int start = at + headerLength;
                int available = Math.min(size, wire.length - start);
                byte[] payload = new byte[available];
                for (int i = 0; i < available; i++) {
                    payload[i] = (byte) (wire[start + i] ^ key[i % 4]);
                }
                if (available < size) {
                    result.partialPayload = payload;
                    return result;
                }
                result.frames.add(new Frame(fin, rsv, Opcode.of(op), payload));
                at = start + size;
            }
        }
    }
}
