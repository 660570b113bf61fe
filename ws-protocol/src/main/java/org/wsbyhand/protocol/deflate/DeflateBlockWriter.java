package org.wsbyhand.protocol.deflate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes DEFLATE blocks (RFC 1951 section 3.2) from LZ77 symbols into a growing byte array: for each
 * block it works out what the stored, fixed-Huffman and dynamic-Huffman encodings would cost, bit
 * for bit, and writes the cheapest. The caller ends a message with {@link #finish(boolean)}, the sync
 * flush of RFC 7692 7.2.1.
 *
 * <p>A symbol is an int: a literal byte is its value (0-255); a match is
 * {@code distance << 8 | (length - 3)}, distance 1-32768 and length 3-258, so every match is at least
 * 256.
 *
 * <p>Bits go out least significant first (RFC 1951 3.1.1) through a 64-bit accumulator that is
 * emptied four bytes at a time. Each block first makes sure the array has room for its exact size,
 * so the per-symbol code has no bounds logic of its own.
 *
 * <p>All tables and scratch arrays belong to the instance and are reused for every block: about
 * 5 KiB. Not thread-safe.
 */
final class DeflateBlockWriter {

    static final int LITERAL_LENGTH_CODES = 286;
    static final int DISTANCE_CODES = 30;
    private static final int CODE_LENGTH_CODES = 19;
    private static final int END_OF_BLOCK = 256;
    /** RFC 1951 3.2.7: the longest code in the literal/length and distance codes. */
    private static final int MAX_CODE_BITS = 15;
    /** RFC 1951 3.2.7: the code length code's lengths are 3-bit fields, so at most 7. */
    private static final int MAX_CODE_LENGTH_BITS = 7;
    private static final int MAX_STORED = 65535;

    /** RFC 1951 3.2.7: the order in which the code length code's lengths are sent. */
    private static final byte[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    // RFC 1951 3.2.5: length codes 257-285 (indexed 0-28) and distance codes 0-29.
    static final byte[] LENGTH_EXTRA_BITS = new byte[29];
    static final short[] LENGTH_BASE = new short[29];
    static final byte[] DISTANCE_EXTRA_BITS = new byte[30];
    static final int[] DISTANCE_BASE = new int[30];
    /** Length code index (0-28) of every match length minus 3. */
    private static final byte[] LENGTH_CODE = new byte[256];
    /** Distance code of distance-1 below 256, then of (distance-1) >> 7 from index 256. */
    private static final byte[] DISTANCE_CODE = new byte[512];

    // RFC 1951 3.2.6: the fixed Huffman codes.
    private static final byte[] FIXED_LITERAL_LENGTHS = new byte[288];
    private static final char[] FIXED_LITERAL_CODES = new char[288];
    private static final char[] FIXED_DISTANCE_CODES = new char[30];

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        int length = 3;
        for (int code = 0; code < 28; code++) {
            int extra = code < 8 ? 0 : (code >> 2) - 1;
            LENGTH_EXTRA_BITS[code] = (byte) extra;
            LENGTH_BASE[code] = (short) length;
            for (int i = 0; i < (1 << extra); i++) {
                LENGTH_CODE[length - 3 + i] = (byte) code;
            }
            length += 1 << extra;
        }
        // Code 285 is length 258 with no extra bits, although code 284 with its five extra bits
        // could also express 258 (RFC 1951 3.2.5: 284 covers 227-257 only).
        LENGTH_EXTRA_BITS[28] = 0;
        LENGTH_BASE[28] = 258;
        LENGTH_CODE[255] = 28;
        int distance = 1;
        for (int code = 0; code < 30; code++) {
            int extra = code < 4 ? 0 : (code >> 1) - 1;
            DISTANCE_EXTRA_BITS[code] = (byte) extra;
            DISTANCE_BASE[code] = distance;
            for (int i = 0; i < (1 << extra); i++) {
                int d = distance - 1 + i;
                if (d < 256) {
                    DISTANCE_CODE[d] = (byte) code;
                } else {
                    DISTANCE_CODE[256 + (d >> 7)] = (byte) code;
                }
            }
            distance += 1 << extra;
        }
        for (int s = 0; s < 288; s++) {
            FIXED_LITERAL_LENGTHS[s] = (byte) (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
        }
        HuffmanCodes.canonicalCodes(FIXED_LITERAL_LENGTHS, 288, FIXED_LITERAL_CODES, new int[16]);
        byte[] fixedDistanceLengths = new byte[30];
        Arrays.fill(fixedDistanceLengths, (byte) 5);
        HuffmanCodes.canonicalCodes(fixedDistanceLengths, 30, FIXED_DISTANCE_CODES, new int[16]);
    }

    /** The distance code (0-29) of a distance 1-32768. */
    static int distanceCode(int distance) {
        int d = distance - 1;
        return d < 256 ? DISTANCE_CODE[d] : DISTANCE_CODE[256 + (d >> 7)];
    }

    /** The length code index (0-28, for codes 257-285) of a match length 3-258. */
    static int lengthCode(int length) {
        return LENGTH_CODE[length - 3];
    }

    private final int retainedOutput;

    private byte[] out;
    private int outPosition;
    private long bitBuffer;
    private int bitCount;

    private final int[] literalFrequencies = new int[LITERAL_LENGTH_CODES];
    private final int[] distanceFrequencies = new int[DISTANCE_CODES];
    private final int[] codeLengthFrequencies = new int[CODE_LENGTH_CODES];
    private final byte[] literalLengths = new byte[LITERAL_LENGTH_CODES];
    private final byte[] distanceLengths = new byte[DISTANCE_CODES];
    private final byte[] codeLengthLengths = new byte[CODE_LENGTH_CODES];
    private final char[] literalCodes = new char[LITERAL_LENGTH_CODES];
    private final char[] distanceCodes = new char[DISTANCE_CODES];
    private final char[] codeLengthCodes = new char[CODE_LENGTH_CODES];
    /** The literal/length and distance code lengths back to back, as the dynamic header sends them. */
    private final byte[] allLengths = new byte[LITERAL_LENGTH_CODES + DISTANCE_CODES];
    /** The run-length coded {@link #allLengths}: code length symbol | repeat value << 8. */
    private final int[] codeLengthSymbols = new int[LITERAL_LENGTH_CODES + DISTANCE_CODES];
    private int codeLengthSymbolCount;
    /** The dynamic header's counts of literal/length, distance and code length code lengths sent. */
    private int hlit;
    private int hdist;
    private int hclen;
    private final int[] keys = new int[LITERAL_LENGTH_CODES];
    private final int[] nodes = new int[LITERAL_LENGTH_CODES];
    private final int[] count = new int[16];

    /**
     * @param retainedOutput the largest output array kept from one message to the next; a larger
     *                       one (after a large message) is dropped, so an idle connection does not
     *                       hold it
     */
    DeflateBlockWriter(int retainedOutput) {
        this.retainedOutput = retainedOutput;
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Writes {@code symbols[0..n)} as one non-final block, stored, fixed or dynamic, whichever is
     * smallest. {@code raw}'s bytes at {@code rawStart..rawStart+rawLength} (absolute indexes) are
     * the bytes the symbols stand for, copied when a stored block is smallest.
     */
    void writeBlock(int[] symbols, int n, ByteBuffer raw, int rawStart, int rawLength) {
        int[] litFreq = literalFrequencies;
        int[] distFreq = distanceFrequencies;
        Arrays.fill(litFreq, 0);
        Arrays.fill(distFreq, 0);
        for (int i = 0; i < n; i++) {
            int s = symbols[i];
            if (s < 256) {
                litFreq[s]++;
            } else {
                litFreq[257 + LENGTH_CODE[s & 0xFF]]++;
                distFreq[distanceCode(s >>> 8)]++;
            }
        }
        litFreq[END_OF_BLOCK] = 1;

        long extraBits = 0;
        for (int code = 0; code < 29; code++) {
            extraBits += (long) litFreq[257 + code] * LENGTH_EXTRA_BITS[code];
        }
        long fixedBits = 3 + extraBits;
        for (int s = 0; s < LITERAL_LENGTH_CODES; s++) {
            fixedBits += (long) litFreq[s] * FIXED_LITERAL_LENGTHS[s];
        }
        for (int code = 0; code < DISTANCE_CODES; code++) {
            extraBits += (long) distFreq[code] * DISTANCE_EXTRA_BITS[code];
            fixedBits += (long) distFreq[code] * (5 + DISTANCE_EXTRA_BITS[code]);
        }

        long dynamicBits = buildDynamicCodes() + extraBits;
        for (int s = 0; s < LITERAL_LENGTH_CODES; s++) {
            dynamicBits += (long) litFreq[s] * literalLengths[s];
        }
        for (int code = 0; code < DISTANCE_CODES; code++) {
            dynamicBits += (long) distFreq[code] * distanceLengths[code];
        }

        long storedBits = storedBits(rawLength);
        if (storedBits <= fixedBits && storedBits <= dynamicBits) {
            writeStored(raw, rawStart, rawLength);
        } else if (fixedBits <= dynamicBits) {
            ensureRoom(fixedBits);
            putBits(0b010, 3); // BFINAL 0, BTYPE 01
            writeSymbols(symbols, n, FIXED_LITERAL_LENGTHS, FIXED_LITERAL_CODES, null, FIXED_DISTANCE_CODES, true);
        } else {
            ensureRoom(dynamicBits);
            writeDynamicHeader();
            writeSymbols(symbols, n, literalLengths, literalCodes, distanceLengths, distanceCodes, false);
        }
    }

    /**
     * Builds the dynamic codes for the frequencies just counted and the run-length coded header
     * that describes them (RFC 1951 3.2.7); returns the header's size in bits, block type included.
     */
    private long buildDynamicCodes() {
        HuffmanCodes.buildLengths(literalFrequencies, LITERAL_LENGTH_CODES, MAX_CODE_BITS, literalLengths, keys, nodes, count);
        HuffmanCodes.buildLengths(distanceFrequencies, DISTANCE_CODES, MAX_CODE_BITS, distanceLengths, keys, nodes, count);
        HuffmanCodes.canonicalCodes(literalLengths, LITERAL_LENGTH_CODES, literalCodes, count);
        HuffmanCodes.canonicalCodes(distanceLengths, DISTANCE_CODES, distanceCodes, count);

        int hlit = LITERAL_LENGTH_CODES;
        while (hlit > 257 && literalLengths[hlit - 1] == 0) {
            hlit--;
        }
        int hdist = DISTANCE_CODES;
        while (hdist > 1 && distanceLengths[hdist - 1] == 0) {
            hdist--;
        }
        System.arraycopy(literalLengths, 0, allLengths, 0, hlit);
        System.arraycopy(distanceLengths, 0, allLengths, hlit, hdist);
        runLengthCode(hlit + hdist);
        this.hlit = hlit;
        this.hdist = hdist;

        int[] clFreq = codeLengthFrequencies;
        Arrays.fill(clFreq, 0);
        long repeatBits = 0;
        for (int i = 0; i < codeLengthSymbolCount; i++) {
            int symbol = codeLengthSymbols[i] & 0xFF;
            clFreq[symbol]++;
            repeatBits += symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0;
        }
        HuffmanCodes.buildLengths(clFreq, CODE_LENGTH_CODES, MAX_CODE_LENGTH_BITS, codeLengthLengths, keys, nodes, count);
        HuffmanCodes.canonicalCodes(codeLengthLengths, CODE_LENGTH_CODES, codeLengthCodes, count);
        int hclen = CODE_LENGTH_CODES;
        while (hclen > 4 && codeLengthLengths[CODE_LENGTH_ORDER[hclen - 1]] == 0) {
            hclen--;
        }
        this.hclen = hclen;
        long bits = 3 + 5 + 5 + 4 + 3L * hclen + repeatBits;
        for (int s = 0; s < CODE_LENGTH_CODES; s++) {
            bits += (long) clFreq[s] * codeLengthLengths[s];
        }
        return bits;
    }

    /**
     * RFC 1951 3.2.7: code lengths as symbols 0-15, with 16 (repeat the previous length 3-6 times),
     * 17 (3-10 zeros) and 18 (11-138 zeros). A run may cross from the literal/length lengths into the
     * distance lengths, which the RFC allows.
     */
    private void runLengthCode(int total) {
        int n = 0;
        int i = 0;
        while (i < total) {
            int value = allLengths[i];
            int run = 1;
            while (i + run < total && allLengths[i + run] == value) {
                run++;
            }
            i += run;
            if (value == 0) {
                while (run >= 11) {
                    int k = Math.min(run, 138);
                    codeLengthSymbols[n++] = 18 | (k - 11) << 8;
                    run -= k;
                }
                if (run >= 3) {
                    codeLengthSymbols[n++] = 17 | (run - 3) << 8;
                    run = 0;
                }
            } else {
                codeLengthSymbols[n++] = value;
                run--;
                while (run >= 3) {
                    int k = Math.min(run, 6);
                    codeLengthSymbols[n++] = 16 | (k - 3) << 8;
                    run -= k;
                }
            }
            while (run > 0) {
                codeLengthSymbols[n++] = value;
                run--;
            }
        }
        codeLengthSymbolCount = n;
    }

    private void writeDynamicHeader() {
        putBits(0b100, 3); // BFINAL 0, BTYPE 10
        putBits(hlit - 257 | (hdist - 1) << 5 | (hclen - 4) << 10, 14);
        for (int i = 0; i < hclen; i++) {
            putBits(codeLengthLengths[CODE_LENGTH_ORDER[i]], 3);
        }
        for (int i = 0; i < codeLengthSymbolCount; i++) {
            int entry = codeLengthSymbols[i];
            int symbol = entry & 0xFF;
            int repeat = entry >>> 8;
            int len = codeLengthLengths[symbol];
            int extra = symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0;
            putBits(codeLengthCodes[symbol] | repeat << len, len + extra);
        }
    }

    /** The symbols and the end-of-block code; a fixed distance code is always 5 bits. */
    private void writeSymbols(int[] symbols, int n, byte[] litLens, char[] litCodes, byte[] distLens, char[] distCodes,
            boolean fixedDistances) {
        for (int i = 0; i < n; i++) {
            int s = symbols[i];
            if (s < 256) {
                putBits(litCodes[s], litLens[s]);
            } else {
                int lengthMinus3 = s & 0xFF;
                int distance = s >>> 8;
                int lc = LENGTH_CODE[lengthMinus3];
                int len = litLens[257 + lc];
                putBits(litCodes[257 + lc] | (lengthMinus3 + 3 - LENGTH_BASE[lc]) << len, len + LENGTH_EXTRA_BITS[lc]);
                int dc = distanceCode(distance);
                int dlen = fixedDistances ? 5 : distLens[dc];
                putBits(distCodes[dc] | (distance - DISTANCE_BASE[dc]) << dlen, dlen + DISTANCE_EXTRA_BITS[dc]);
            }
        }
        putBits(litCodes[END_OF_BLOCK], litLens[END_OF_BLOCK]);
    }

    /** The exact size of {@code length} bytes as stored blocks of at most 65535 bytes each. */
    private long storedBits(int length) {
        long blocks = Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
        int firstPadding = (8 - ((bitCount + 3) & 7)) & 7;
        return blocks * (3 + 32) + firstPadding + (blocks - 1) * 5 + 8L * length;
    }

    /**
     * RFC 1951 3.2.4: non-compressed blocks, each byte-aligned with LEN and its complement NLEN, of
     * {@code input}'s bytes at {@code from..from+length} (absolute indexes); none for no bytes.
     */
    void writeStored(ByteBuffer input, int from, int length) {
        while (length > 0) {
            int n = Math.min(length, MAX_STORED);
            storedHeader(n);
            input.get(from, out, outPosition, n);
            outPosition += n;
            from += n;
            length -= n;
        }
    }

    private void storedHeader(int n) {
        ensureRoom(3 + 7 + 32 + 8L * n);
        putBits(0b000, 3); // BFINAL 0, BTYPE 00
        alignToByte();
        out[outPosition++] = (byte) n;
        out[outPosition++] = (byte) (n >>> 8);
        out[outPosition++] = (byte) ~n;
        out[outPosition++] = (byte) (~n >>> 8);
    }

    // ---------------------------------------------------------------- messages

    /**
     * Ends the data given so far with an empty stored block, so that it stops on a byte boundary
     * and a receiver can decode all of it (RFC 7692 7.2.1's sync flush), and returns the bytes
     * written since the previous call. With {@code dropTail} the block's last four bytes,
     * {@code 00 00 ff ff}, are left out, as RFC 7692 7.2.1 asks at the end of a message; its three
     * header bits stay, in the last byte.
     */
    byte[] finish(boolean dropTail) {
        ensureRoom(3 + 7 + 32);
        putBits(0b000, 3);
        alignToByte();
        if (!dropTail) {
            out[outPosition++] = 0;
            out[outPosition++] = 0;
            out[outPosition++] = (byte) 0xFF;
            out[outPosition++] = (byte) 0xFF;
        }
        byte[] result = Arrays.copyOf(out, outPosition);
        outPosition = 0;
        if (out.length > retainedOutput) {
            out = null;
        }
        return result;
    }

    // ---------------------------------------------------------------- bits

    /** Makes room for {@code bits} more bits, plus the four bytes {@link #putBits} may write at once. */
    private void ensureRoom(long bits) {
        long needed = outPosition + (bits + bitCount + 7) / 8 + 8;
        if (needed > Integer.MAX_VALUE - 16) {
            throw new OutOfMemoryError("compressed output over 2 GiB");
        }
        if (out == null) {
            out = new byte[(int) Math.max(needed, 256)];
        } else if (needed > out.length) {
            out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * out.length)));
        }
    }

    /** Appends the low {@code n} bits of {@code value} (n at most 32 minus what is pending; value has no higher bits). */
    private void putBits(int value, int n) {
        bitBuffer |= (value & 0xFFFFFFFFL) << bitCount;
        bitCount += n;
        if (bitCount >= 32) {
            INT.set(out, outPosition, (int) bitBuffer);
            outPosition += 4;
            bitBuffer >>>= 32;
            bitCount -= 32;
        }
    }

    private void alignToByte() {
        while (bitCount > 0) {
            out[outPosition++] = (byte) bitBuffer;
            bitBuffer >>>= 8;
            bitCount -= 8;
        }
        bitCount = 0;
        bitBuffer = 0;
    }
}
