package org.wsbyhand.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

class PreparedMessageTest {

    @ParameterizedTest(name = "{0} bytes -> {1}-byte header")
    @CsvSource({"0, 2", "125, 2", "126, 4", "65535, 4", "65536, 10"})
    void binaryFrameIsUnmaskedWithFinAndTheMinimalLengthEncoding(int size, int headerLength) {
        PreparedMessage message = PreparedMessage.binary(new byte[size]);
        ByteBuffer frame = message.frame();
        assertEquals(size + headerLength, message.frameLength());
        assertEquals(0x82, frame.get(0) & 0xFF, "FIN + binary opcode (RFC 6455 5.2)");
        assertEquals(0, frame.get(1) & 0x80, "server frames are not masked (RFC 6455 5.1)");
        long length = switch (headerLength) {
            case 2 -> frame.get(1) & 0x7F;
            case 4 -> frame.getShort(2) & 0xFFFF;
            default -> frame.getLong(2);
        };
        assertEquals(size, length);
    }

    @Test
    void textFrameCarriesUtf8Payload() {
        PreparedMessage message = PreparedMessage.text("héllo");
        assertTrue(message.isText());
        assertEquals(0x81, message.frame().get(0) & 0xFF);
        assertEquals("héllo", StandardCharsets.UTF_8.decode(message.payload()).toString());
    }

    @Test
    void viewsAreReadOnlyAndTheBytesAreCopiedOnce() {
        byte[] data = {1, 2, 3};
        PreparedMessage message = PreparedMessage.binary(data);
        data[0] = 9;
        assertFalse(message.isText());
        assertEquals(1, message.payload().get(0), "later changes to the array do not leak into the frame");
        assertThrows(ReadOnlyBufferException.class, () -> message.frame().put(0, (byte) 0));
        assertThrows(ReadOnlyBufferException.class, () -> message.payload().put(0, (byte) 0));
    }

    @Nested
    class Compressed {

        @Test
        void theCompressedFrameHasRsv1OnAFinalFrameAndInflatesToThePayload() throws Exception {
            String json = "{\"user\":\"alice\",\"text\":\"hello\"}".repeat(50);
            PreparedMessage message = PreparedMessage.text(json);
            org.wsbyhand.session.core.PreparedFrames.Compressed compressed = message.compressedFrame(6);
            byte[] frame = compressed.frame();
            assertEquals(0xC1, frame[0] & 0xFF, "FIN + RSV1 + text (RFC 7692 6.1)");
            assertTrue(compressed.payloadLength() < message.payloadLength() / 5, "repetitive JSON shrinks");
            int headerLength = frame.length - compressed.payloadLength();
            byte[] payload = Arrays.copyOfRange(frame, headerLength, frame.length);
            try (PerMessageDeflate inflater = new PerMessageDeflate(
                    Role.CLIENT, DeflateParameters.defaults(),
                    DeflateOptions.defaults())) {
                assertEquals(json, new String(inflater.decompress(payload, 1 << 20), StandardCharsets.UTF_8));
            }
        }

        @Test
        void itIsCompressedOnceForEverySessionAtTheSameLevel() {
            PreparedMessage message = PreparedMessage.binary(new byte[1000]);
            assertTrue(message.compressedFrame(6) == message.compressedFrame(6), "the same frame, not a copy");
            assertFalse(message.compressedFrame(1) == message.compressedFrame(6), "another level compresses again");
        }

        @Test
        void compressingLeavesNoDeflaterBehind() {
            long before = PerMessageDeflate.liveDeflaters();
            PreparedMessage.text("x".repeat(500)).compressedFrame(6);
            assertEquals(before, PerMessageDeflate.liveDeflaters());
        }

        @Test
        void payloadLengthIsTheUncompressedFramePayload() {
            assertEquals(6, PreparedMessage.text("héllo").payloadLength());
        }
    }
}
