package org.wsbyhand.benchmarks.codec;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Benchmark inputs built without any of the measured codecs, so every implementation gets the same
 * bytes: a client-to-server frame is written byte by byte from RFC 6455 section 5.2 here.
 */
final class Frames {

    /** A fixed masking key, so inputs are identical from run to run. */
    static final int MASK_KEY = 0x37FA213D;

    private Frames() {}

    /** {@code size} pseudo-random payload bytes, the same for every run. */
    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    /** A final, masked binary frame carrying {@code payload}, as a client sends it. */
    static byte[] maskedBinaryFrame(byte[] payload) {
        return maskedFrame(0x2, payload);
    }

    /** A final, masked text frame carrying {@code payload} (which must be UTF-8), as a client sends it. */
    static byte[] maskedTextFrame(byte[] payload) {
        return maskedFrame(0x1, payload);
    }

    private static byte[] maskedFrame(int opcode, byte[] payload) {
        int length = payload.length;
        int extended = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        byte[] frame = new byte[2 + extended + 4 + length];
        int i = 0;
        frame[i++] = (byte) (0x80 | opcode); // FIN + opcode
        if (extended == 0) {
            frame[i++] = (byte) (0x80 | length);
        } else if (extended == 2) {
            frame[i++] = (byte) (0x80 | 126);
            frame[i++] = (byte) (length >>> 8);
            frame[i++] = (byte) length;
        } else {
            frame[i++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame[i++] = (byte) ((long) length >>> shift);
            }
        }
        byte[] key = {(byte) (MASK_KEY >>> 24), (byte) (MASK_KEY >>> 16), (byte) (MASK_KEY >>> 8), (byte) MASK_KEY};
        System.arraycopy(key, 0, frame, i, 4);
        i += 4;
        for (int j = 0; j < length; j++) {
            frame[i + j] = (byte) (payload[j] ^ key[j & 3]);
        }
        return frame;
    }

    /**
     * {@code size} bytes of valid UTF-8 text: pure ASCII, or "mixed", a rotation of Latin, Cyrillic,
     * CJK and emoji (1-, 2-, 3- and 4-byte sequences) cut at a character boundary.
     */
    static byte[] text(int size, boolean mixed) {
        String unit = mixed
                ? "Hello, world! Привет, мир! 你好，世界！ 👋🌍 Grüße. "
                : "The quick brown fox jumps over the lazy dog. 0123456789 ";
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < size + 8) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        int end = size;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--; // do not cut a multi-byte character
        }
        byte[] out = new byte[size];
        System.arraycopy(all, 0, out, 0, end);
        for (int i = end; i < size; i++) {
            out[i] = ' ';
        }
        return out;
    }
}
