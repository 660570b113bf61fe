package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MaskingTest {

    /** RFC 6455 section 5.3, one octet at a time: the definition the word-wise code must match. */
    static byte[] reference(byte[] data, int offset, int length, int key, int keyOffset) {
        byte[] out = data.clone();
        for (int i = 0; i < length; i++) {
            int j = (keyOffset + i) & 3;
            out[offset + i] ^= (byte) (key >>> (24 - 8 * j));
        }
        return out;
    }

    @Nested
    class RfcExample {

        @Test
        void helloMaskedWithTheSectionFiveSevenKeyGivesTheExampleBytes() {
            byte[] hello = RfcExamples.HELLO.clone();
            Masking.mask(hello, 0, hello.length, RfcExamples.MASK_KEY, 0);
            assertArrayEquals(Arrays.copyOfRange(RfcExamples.MASKED_TEXT, 6, 11), hello);
        }

        @Test
        void maskingTheExampleBytesAgainGivesHelloBack() {
            byte[] masked = Arrays.copyOfRange(RfcExamples.MASKED_TEXT, 6, 11);
            Masking.mask(masked, 0, masked.length, RfcExamples.MASK_KEY, 0);
            assertArrayEquals(RfcExamples.HELLO, masked);
        }
    }

    @Nested
    class ByteArrays {

        @Test
        void everyLengthOffsetAndKeyOffsetMatchesTheByteWiseDefinition() {
            int key = 0x8badf00d;
            byte[] data = Wire.randomBytes(100, 1);
            for (int length = 0; length <= 72; length++) {
                for (int offset = 0; offset <= 9; offset++) {
                    for (int keyOffset = 0; keyOffset < 4; keyOffset++) {
                        byte[] actual = data.clone();
                        int next = Masking.mask(actual, offset, length, key, keyOffset);
                        String context = "length " + length + " offset " + offset + " key offset " + keyOffset;
                        assertArrayEquals(reference(data, offset, length, key, keyOffset), actual, context);
                        assertEquals((keyOffset + length) % 4, next, context);
                    }
                }
            }
        }

        @Test
        void bytesOutsideTheRangeAreUntouched() {
            byte[] data = new byte[40];
            Masking.mask(data, 5, 30, -1, 2);
            for (int i = 0; i < data.length; i++) {
                assertEquals(i >= 5 && i < 35 ? (byte) 0xFF : 0, data[i], "index " + i);
            }
        }

        @Test
        void keyOffsetAboveThreeIsTakenModuloFour() {
            byte[] a = Wire.counting(20);
            byte[] b = Wire.counting(20);
            assertEquals(Masking.mask(a, 0, 20, 0x01020304, 1), Masking.mask(b, 0, 20, 0x01020304, 5));
            assertArrayEquals(a, b);
        }
    }

    @Nested
    class Buffers {

        private void assertBufferMatchesReference(ByteBuffer buffer, byte[] data, int position, int limit, int key,
                int keyOffset) {
            buffer.position(position).limit(limit);
            int next = Masking.mask(buffer, key, keyOffset);
            String context = buffer + " key offset " + keyOffset;
            assertEquals(position, buffer.position(), context);
            assertEquals(limit, buffer.limit(), context);
            byte[] actual = new byte[data.length];
            buffer.clear().get(actual);
            assertArrayEquals(reference(data, position, limit - position, key, keyOffset), actual, context);
            assertEquals((keyOffset + limit - position) % 4, next, context);
        }

        @Test
        void directBuffersInBothByteOrdersMatchTheByteWiseDefinition() {
            byte[] data = Wire.randomBytes(80, 2);
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                for (int position = 0; position <= 9; position++) {
                    for (int limit = position; limit <= 80; limit += 7) {
                        for (int keyOffset = 0; keyOffset < 4; keyOffset++) {
                            ByteBuffer buffer = ByteBuffer.allocateDirect(80).order(order).put(data).clear();
                            assertBufferMatchesReference(buffer, data, position, limit, 0xDEADBEEF, keyOffset);
                        }
                    }
                }
            }
        }

        @Test
        void heapBuffersAndSlicesMatchTheByteWiseDefinition() {
            byte[] data = Wire.randomBytes(80, 3);
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                for (int position = 0; position <= 9; position++) {
                    for (int limit = position; limit <= 80; limit += 5) {
                        for (int keyOffset = 0; keyOffset < 4; keyOffset++) {
                            byte[] backing = new byte[83];
                            System.arraycopy(data, 0, backing, 3, 80);
                            ByteBuffer slice = ByteBuffer.wrap(backing, 3, 80).slice().order(order);
                            assertBufferMatchesReference(slice, data, position, limit, 0x0BADCAFE, keyOffset);
                        }
                    }
                }
            }
        }

        @Test
        void readOnlyBufferCannotBeMasked() {
            ByteBuffer readOnly = ByteBuffer.wrap(new byte[16]).asReadOnlyBuffer();
            assertThrows(ReadOnlyBufferException.class, () -> Masking.mask(readOnly, 1, 0));
        }
    }
}
