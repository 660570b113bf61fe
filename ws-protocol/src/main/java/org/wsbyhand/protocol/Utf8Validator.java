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
 *
 * <p>How: a deterministic automaton with one state per position inside the grammar of RFC 3629
 * section 4, run as a "shift DFA". Each state is a bit offset (a multiple of 6) into a 64-bit row
 * that belongs to the input byte, and the 6 bits at that offset are the next state, so one step is
 * {@code state = ROWS[b] >>> state}: one table load that does not depend on the state and one
 * shift that does. The loop carries nothing but that shift and has no branch per character, which
 * is what makes text that mixes 1- to 4-byte characters fast (branching per character class is
 * mispredicted at every change of class). The state also survives between feeds, so a character
 * split across feeds needs no special path. {@link #ERROR} is 0 and every row has 0 in its lowest
 * 6 bits, so once entered it is never left.
 */
public final class Utf8Validator {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** The high bit of each of eight bytes: a word with none of them set is eight ASCII characters. */
    private static final long HIGH_BITS = 0x8080808080808080L;

    // The states, as bit offsets into a row; the comments give what the next byte may be
    // (RFC 3629 section 4: UTF8-tail = %x80-BF).
    /** No valid continuation exists; absorbing. */
    private static final int ERROR = 0;
    /** Between characters: the next byte starts one. */
    private static final int ACCEPT = 6;
    /** One UTF8-tail still to come. */
    private static final int TAIL_1 = 12;
    /** Two UTF8-tails still to come. */
    private static final int TAIL_2 = 18;
    /** Three UTF8-tails still to come (after F1-F3). */
    private static final int TAIL_3 = 24;
    /** After E0: A0-BF, then one tail (no overlong three-byte forms). */
    private static final int AFTER_E0 = 30;
    /** After ED: 80-9F, then one tail (no UTF-16 surrogates U+D800-U+DFFF). */
    private static final int AFTER_ED = 36;
    /** After F0: 90-BF, then two tails (no overlong four-byte forms). */
    private static final int AFTER_F0 = 42;
    /** After F4: 80-8F, then two tails (nothing above U+10FFFF). */
    private static final int AFTER_F4 = 48;

    private static final int STATE_BITS = 0x3F;

    /** For each byte value, the next state of every state, each at that state's offset. */
    private static final long[] ROWS = new long[256];

    static {
        // RFC 3629 section 4, one line per alternative of UTF8-1 .. UTF8-4. Every transition not
        // listed goes to ERROR (0): C0, C1 and F5-FF never occur, and a tail where a character
        // starts, or anything else where a tail is due, is invalid.
        transition(ACCEPT, 0x00, 0x7F, ACCEPT);     // UTF8-1
        transition(ACCEPT, 0xC2, 0xDF, TAIL_1);     // UTF8-2 = %xC2-DF UTF8-tail
        transition(ACCEPT, 0xE0, 0xE0, AFTER_E0);   // UTF8-3 = %xE0 %xA0-BF UTF8-tail
        transition(ACCEPT, 0xE1, 0xEC, TAIL_2);     //        / %xE1-EC 2( UTF8-tail )
        transition(ACCEPT, 0xED, 0xED, AFTER_ED);   //        / %xED %x80-9F UTF8-tail
        transition(ACCEPT, 0xEE, 0xEF, TAIL_2);     //        / %xEE-EF 2( UTF8-tail )
        transition(ACCEPT, 0xF0, 0xF0, AFTER_F0);   // UTF8-4 = %xF0 %x90-BF 2( UTF8-tail )
        transition(ACCEPT, 0xF1, 0xF3, TAIL_3);     //        / %xF1-F3 3( UTF8-tail )
        transition(ACCEPT, 0xF4, 0xF4, AFTER_F4);   //        / %xF4 %x80-8F 2( UTF8-tail )
        transition(AFTER_E0, 0xA0, 0xBF, TAIL_1);
        transition(AFTER_ED, 0x80, 0x9F, TAIL_1);
        transition(AFTER_F0, 0x90, 0xBF, TAIL_2);
        transition(AFTER_F4, 0x80, 0x8F, TAIL_2);
        transition(TAIL_3, 0x80, 0xBF, TAIL_2);
        transition(TAIL_2, 0x80, 0xBF, TAIL_1);
        transition(TAIL_1, 0x80, 0xBF, ACCEPT);
    }

    private static void transition(int from, int firstByte, int lastByte, int to) {
        for (int b = firstByte; b <= lastByte; b++) {
            ROWS[b] |= (long) to << from;
        }
    }

    private int state = ACCEPT;

    /** A validator at the start of a sequence, with nothing fed yet. */
    public Utf8Validator() {
    }

    /** Forgets everything fed so far, for the next message. */
    public void reset() {
        state = ACCEPT;
    }

    /**
     * Checks {@code length} more bytes of the sequence.
     *
     * @param bytes the array holding the bytes
     * @param offset the index of the first byte to check in {@code bytes}
     * @param length the number of bytes to check
     * @return false when the bytes so far cannot be the start of valid UTF-8 (and stay so until
     *     {@link #reset})
     */
    public boolean feed(byte[] bytes, int offset, int length) {
        // Only the low 6 bits of s are the state: a long shift uses only the low 6 bits of its
        // distance, so the bits above need no masking between steps, only before s is compared.
        long s = state;
        if (s == ERROR) {
            return false;
        }
        int i = offset;
        int end = offset + length;
        while (end - i >= 8) {
            if (s == ACCEPT) {
                // ASCII fast path: a whole word with no high bit set is eight complete characters.
                while (end - i >= 8 && (readLong(bytes, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (end - i < 8) {
                    break;
                }
            }
            s = ROWS[bytes[i] & 0xFF] >>> s;
            s = ROWS[bytes[i + 1] & 0xFF] >>> s;
            s = ROWS[bytes[i + 2] & 0xFF] >>> s;
            s = ROWS[bytes[i + 3] & 0xFF] >>> s;
            s = ROWS[bytes[i + 4] & 0xFF] >>> s;
            s = ROWS[bytes[i + 5] & 0xFF] >>> s;
            s = ROWS[bytes[i + 6] & 0xFF] >>> s;
            s = ROWS[bytes[i + 7] & 0xFF] >>> s;
            s &= STATE_BITS;
            if (s == ERROR) {
                // RFC 6455 8.1: fail now, without reading the rest of the feed.
                state = ERROR;
                return false;
            }
            i += 8;
        }
        while (i < end) {
            s = ROWS[bytes[i++] & 0xFF] >>> s;
        }
        state = (int) (s & STATE_BITS);
        return state != ERROR;
    }

    /**
     * True when everything fed so far is valid and no character is cut off at the end.
     *
     * @return {@code true} when the bytes fed so far are complete, valid UTF-8
     */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /**
     * Whether the whole array is valid UTF-8.
     *
     * @param bytes the array holding the bytes
     * @param offset the index of the first byte to check in {@code bytes}
     * @param length the number of bytes to check
     * @return {@code true} when those bytes are valid UTF-8
     */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Utf8Validator validator = new Utf8Validator();
        return validator.feed(bytes, offset, length) && validator.isComplete();
    }

    private static long readLong(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }
}
