package org.wsbyhand.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The XOR masking of RFC 6455 section 5.3: octet {@code i} of the payload is XORed with octet
 * {@code i mod 4} of the 32-bit masking key. Applying it twice restores the input. The work is done
 * eight bytes at a time; a key offset lets a payload be masked in chunks that split it anywhere.
 */
public final class Masking {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Masking() {}

    /**
     * Masks (or unmasks) {@code length} bytes of {@code array} from {@code offset} in place.
     *
     * @param key       the masking key, its big-endian bytes being the key's octets 0-3
     * @param keyOffset the payload position of {@code array[offset]} modulo 4, i.e. how many payload
     *                  bytes came before this chunk
     * @param array the bytes to mask
     * @param offset the index of the first byte to mask in {@code array}
     * @param length the number of bytes to mask
     * @return the key offset for the chunk that follows
     */
    public static int mask(byte[] array, int offset, int length, int key, int keyOffset) {
        int rotated = Integer.rotateLeft(key, 8 * (keyOffset & 3));
        int i = offset;
        int end = offset + length;
        if (length >= 8) {
            long word = ((long) rotated << 32) | (rotated & 0xFFFFFFFFL);
            if (LITTLE_ENDIAN) {
                word = Long.reverseBytes(word);
            }
            for (int last = end - 8; i <= last; i += 8) {
                LONGS.set(array, i, (long) LONGS.get(array, i) ^ word);
            }
        }
        // The word loop consumed a multiple of 8 bytes, so the key phase is unchanged here.
        for (int shift = 24; i < end; i++) {
            array[i] ^= (byte) (rotated >>> shift);
            shift = (shift - 8) & 31;
        }
        return (keyOffset + length) & 3;
    }

    /**
     * Masks the bytes between the buffer's position and limit in place, leaving position and limit
     * unchanged. Works for heap and direct buffers.
     *
     * @param buffer the bytes to mask, from its position to its limit
     * @param key the masking key, its big-endian bytes being the key's octets 0-3
     * @param keyOffset the payload position of the buffer's first byte modulo 4
     * @return the key offset for the chunk that follows
     */
    public static int mask(ByteBuffer buffer, int key, int keyOffset) {
        int length = buffer.remaining();
        if (buffer.hasArray()) {
            return mask(buffer.array(), buffer.arrayOffset() + buffer.position(), length, key, keyOffset);
        }
        int rotated = Integer.rotateLeft(key, 8 * (keyOffset & 3));
        int i = buffer.position();
        int end = buffer.limit();
        long word = ((long) rotated << 32) | (rotated & 0xFFFFFFFFL);
        if (buffer.order() == ByteOrder.LITTLE_ENDIAN) {
            word = Long.reverseBytes(word);
        }
        for (int last = end - 8; i <= last; i += 8) {
            buffer.putLong(i, buffer.getLong(i) ^ word);
        }
        for (int shift = 24; i < end; i++) {
            buffer.put(i, (byte) (buffer.get(i) ^ (rotated >>> shift)));
            shift = (shift - 8) & 31;
        }
        return (keyOffset + length) & 3;
    }
}
