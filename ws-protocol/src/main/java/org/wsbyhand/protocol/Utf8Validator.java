package org.wsbyhand.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An incremental UTF-8 validator (RFC 3629, as the Unicode Standard's table 3-7 of well-formed
 * byte sequences): no overlong forms, no surrogates, nothing above U+10FFFF. Bytes may be fed in
 * any split; {@link #feed} reports the first invalid byte as soon as it arrives, so a text message
 * fails before the rest of it is read (RFC 6455 section 8.1). ASCII runs are checked eight bytes
 * at a time.
 */
public final class Utf8Validator {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private int needed;
    private int lower = 0x80;
    private int upper = 0xBF;
    private boolean failed;

    /** Forgets everything fed so far, for the next message. */
    public void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
        failed = false;
    }

    /**
     * Checks {@code length} more bytes of the sequence.
     *
     * @return false when the bytes so far cannot be the start of valid UTF-8 (and stay so until {@link #reset})
     */
    public boolean feed(byte[] bytes, int offset, int length) {
        if (failed) {
            return false;
        }
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (needed == 0) {
                // ASCII fast path: a whole word with no high bit set is eight complete characters.
                while (i + 8 <= end && (readLong(bytes, i) & 0x8080808080808080L) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
                int b = bytes[i++] & 0xFF;
                if (b < 0x80) {
                    continue;
                }
                if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                } else if (b == 0xE0) {
                    needed = 2;
                    lower = 0xA0; // no overlong three-byte forms
                } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
                    needed = 2;
                } else if (b == 0xED) {
                    needed = 2;
                    upper = 0x9F; // no UTF-16 surrogates U+D800-U+DFFF
                } else if (b == 0xF0) {
                    needed = 3;
                    lower = 0x90; // no overlong four-byte forms
                } else if (b >= 0xF1 && b <= 0xF3) {
                    needed = 3;
                } else if (b == 0xF4) {
                    needed = 3;
                    upper = 0x8F; // nothing above U+10FFFF
                } else {
                    failed = true;
                    return false;
                }
            } else {
                int b = bytes[i++] & 0xFF;
                if (b < lower || b > upper) {
                    failed = true;
                    return false;
                }
                lower = 0x80;
                upper = 0xBF;
                needed--;
            }
        }
        return true;
    }

    /** True when everything fed so far is valid and no character is cut off at the end. */
    public boolean isComplete() {
        return !failed && needed == 0;
    }

    /** Whether the whole array is valid UTF-8. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Utf8Validator validator = new Utf8Validator();
        return validator.feed(bytes, offset, length) && validator.isComplete();
    }

    private static long readLong(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }
}
