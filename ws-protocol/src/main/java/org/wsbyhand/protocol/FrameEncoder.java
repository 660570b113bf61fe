package org.wsbyhand.protocol;

import java.nio.ByteBuffer;

/**
 * Writes frame headers with the minimal length encoding (RFC 6455 section 5.2) and whole frames.
 * A server frame is its header followed by the unchanged payload, so callers can write the two
 * without copying the payload; a client frame's payload must be masked, which needs a copy.
 */
public final class FrameEncoder {

    /** The longest header: 2 bytes, an 8-byte extended length and a 4-byte mask key. */
    public static final int MAX_HEADER_LENGTH = 14;

    private FrameEncoder() {}

    /**
     * The header length for a payload of {@code length} bytes.
     *
     * @param length the payload length in bytes
     * @param masked whether the header carries a mask key (client frames)
     * @return the header length in bytes, 2 to 14
     */
    public static int headerLength(long length, boolean masked) {
        int base = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /**
     * Writes a frame header into {@code dst} at {@code offset}.
     *
     * @param rsv     reserved bits 0-7 (RSV1 = 4)
     * @param masked  whether a mask key follows (client frames)
     * @param maskKey the mask key, used only when {@code masked}
     * @param dst the array to write into, with room for {@link #headerLength} bytes at {@code offset}
     * @param offset the index in {@code dst} of the header's first byte
     * @param fin whether this is the final frame of its message
     * @param opcode the frame's opcode
     * @param length the payload length in bytes
     * @return the number of bytes written, {@link #headerLength}
     */
    public static int writeHeader(byte[] dst, int offset, boolean fin, int rsv, Opcode opcode, long length,
            boolean masked, int maskKey) {
        if (length < 0) {
            throw new IllegalArgumentException("negative payload length " + length);
        }
        int i = offset;
        dst[i++] = (byte) ((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode.code());
        int maskBit = masked ? 0x80 : 0;
        if (length <= 125) {
            dst[i++] = (byte) (maskBit | length);
        } else if (length <= 0xFFFF) {
            dst[i++] = (byte) (maskBit | 126);
            dst[i++] = (byte) (length >>> 8);
            dst[i++] = (byte) length;
        } else {
            dst[i++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst[i++] = (byte) (length >>> shift);
            }
        }
        if (masked) {
            dst[i++] = (byte) (maskKey >>> 24);
            dst[i++] = (byte) (maskKey >>> 16);
            dst[i++] = (byte) (maskKey >>> 8);
            dst[i++] = (byte) maskKey;
        }
        return i - offset;
    }

    /**
     * Encodes a whole frame into one new array: header, then the payload's remaining bytes (masked
     * with {@code maskKey} when {@code masked}). The payload buffer's position is not changed.
     *
     * @param fin whether this is the final frame of its message
     * @param rsv reserved bits 0-7 (RSV1 = 4)
     * @param opcode the frame's opcode
     * @param payload the payload, from its position to its limit
     * @param masked whether to mask the payload (client frames)
     * @param maskKey the mask key, used only when {@code masked}
     * @return the encoded frame
     */
    public static byte[] encode(boolean fin, int rsv, Opcode opcode, ByteBuffer payload, boolean masked, int maskKey) {
        int length = payload.remaining();
        int headerLength = headerLength(length, masked);
        byte[] frame = new byte[headerLength + length];
        writeHeader(frame, 0, fin, rsv, opcode, length, masked, maskKey);
        payload.get(payload.position(), frame, headerLength, length);
        if (masked) {
            Masking.mask(frame, headerLength, length, maskKey, 0);
        }
        return frame;
    }

    /**
     * Encodes a frame as a server sends it (unmasked).
     *
     * @param frame the frame to encode
     * @return the encoded frame
     */
    public static byte[] encode(Frame frame) {
        return encode(frame.fin(), frame.rsv(), frame.opcode(), ByteBuffer.wrap(frame.payload()), false, 0);
    }

    /**
     * Encodes a frame as a client sends it, masked with {@code maskKey}.
     *
     * @param frame the frame to encode
     * @param maskKey the 32-bit mask key
     * @return the encoded frame
     */
    public static byte[] encodeMasked(Frame frame, int maskKey) {
        return encode(frame.fin(), frame.rsv(), frame.opcode(), ByteBuffer.wrap(frame.payload()), true, maskKey);
    }
}
