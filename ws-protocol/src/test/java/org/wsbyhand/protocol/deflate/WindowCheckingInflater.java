package org.wsbyhand.protocol.deflate;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A strict, slow DEFLATE decoder (RFC 1951) for tests, written independently of the compressor, that
 * keeps only 2^windowBits bytes of history, as a peer that agreed on that window may (RFC 7692
 * 7.1.2): a back-reference further back than that, or further back than the data since the last
 * {@link #reset()}, fails. It records the longest distance it saw.
 *
 * <p>It is stricter than zlib where our compressor promises more: every Huffman code must be
 * complete (zlib accepts an incomplete code of one symbol), and reserved symbols (literal/length 286
 * and 287, distances 30 and 31) never occur.
 */
final class WindowCheckingInflater {

    /** The data was not what the test expects of the compressor. */
    static final class BadData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadData(String message) {
            super(message);
        }
    }

    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
        5, 5, 5, 5, 0};
    private static final int[] DISTANCE_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
        513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final int[] DISTANCE_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
        10, 11, 11, 12, 12, 13, 13};
    private static final int[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    private final int windowSize;
    private final byte[] history;
    private long produced; // since the last reset
    private int maxDistance;
    private int blocks;
    private int storedBlocks;
    private int fixedBlocks;
    private int dynamicBlocks;

    private byte[] in;
    private int bitPosition;
    private ByteArrayOutputStream out;

    WindowCheckingInflater(int windowBits) {
        this.windowSize = 1 << windowBits;
        this.history = new byte[windowSize];
    }

    /** Forgets the history, as a receiver does when the sender uses no context takeover. */
    void reset() {
        produced = 0;
    }

    int maxDistance() {
        return maxDistance;
    }

    int storedBlocks() {
        return storedBlocks;
    }

    int fixedBlocks() {
        return fixedBlocks;
    }

    int dynamicBlocks() {
        return dynamicBlocks;
    }

    /**
     * Decodes DEFLATE data that ends with a sync flush, as the compressor writes it between
     * fragments; {@code withTail} false appends the {@code 00 00 ff ff} a message's end leaves out.
     */
    byte[] inflate(byte[] data, boolean withTail) {
        in = withTail ? data : Arrays.copyOf(data, data.length + 4);
        if (!withTail) {
            in[data.length + 2] = (byte) 0xFF;
            in[data.length + 3] = (byte) 0xFF;
        }
        bitPosition = 0;
        out = new ByteArrayOutputStream();
        boolean endedWithEmptyStored = false;
        while (bitPosition < 8L * in.length) {
            int header = bits(3);
            if ((header & 1) != 0) {
                throw new BadData("BFINAL set; a permessage-deflate sender never ends the stream");
            }
            blocks++;
            endedWithEmptyStored = false;
            switch (header >> 1) {
                case 0 -> endedWithEmptyStored = stored();
                case 1 -> {
                    fixedBlocks++;
                    fixed();
                }
                case 2 -> {
                    dynamicBlocks++;
                    dynamic();
                }
                default -> throw new BadData("reserved block type 11");
            }
        }
        if (!endedWithEmptyStored) {
            throw new BadData("the data does not end with the sync flush's empty stored block");
        }
        return out.toByteArray();
    }

    private boolean stored() {
        storedBlocks++;
        bitPosition = (bitPosition + 7) & ~7;
        int length = bits(16);
        int complement = bits(16);
        if ((length ^ 0xFFFF) != complement) {
            throw new BadData("stored block LEN " + length + " NLEN " + complement);
        }
        for (int i = 0; i < length; i++) {
            put((byte) bits(8));
        }
        if (length == 0) {
            storedBlocks--;
        }
        return length == 0;
    }

    private void fixed() {
        byte[] lengths = new byte[288 + 30];
        for (int s = 0; s < 288; s++) {
            lengths[s] = (byte) (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
        }
        Arrays.fill(lengths, 288, 318, (byte) 5);
        codes(new Code(lengths, 0, 288, true), new Code(lengths, 288, 30, true));
    }

    private void dynamic() {
        int hlit = bits(5) + 257;
        int hdist = bits(5) + 1;
        int hclen = bits(4) + 4;
        if (hlit > 286 || hdist > 30) {
            throw new BadData("HLIT " + hlit + " HDIST " + hdist);
        }
        byte[] clLengths = new byte[19];
        for (int i = 0; i < hclen; i++) {
            clLengths[CODE_LENGTH_ORDER[i]] = (byte) bits(3);
        }
        Code codeLengthCode = new Code(clLengths, 0, 19, false);
        byte[] lengths = new byte[hlit + hdist];
        int i = 0;
        while (i < hlit + hdist) {
            int symbol = decode(codeLengthCode);
            if (symbol < 16) {
                lengths[i++] = (byte) symbol;
                continue;
            }
            int value = 0;
            int repeat;
            if (symbol == 16) {
                if (i == 0) {
                    throw new BadData("repeat with no previous length");
                }
                value = lengths[i - 1];
                repeat = 3 + bits(2);
            } else if (symbol == 17) {
                repeat = 3 + bits(3);
            } else {
                repeat = 11 + bits(7);
            }
            if (i + repeat > hlit + hdist) {
                throw new BadData("code length repeat past the end");
            }
            Arrays.fill(lengths, i, i + repeat, (byte) value);
            i += repeat;
        }
        if (lengths[256] == 0) {
            throw new BadData("no end-of-block code");
        }
        codes(new Code(lengths, 0, hlit, false), new Code(lengths, hlit, hdist, false));
    }

    private void codes(Code literals, Code distances) {
        while (true) {
            int symbol = decode(literals);
            if (symbol < 256) {
                put((byte) symbol);
            } else if (symbol == 256) {
                return;
            } else {
                symbol -= 257;
                if (symbol >= 29) {
                    throw new BadData("length symbol " + (symbol + 257));
                }
                int length = LENGTH_BASE[symbol] + bits(LENGTH_EXTRA[symbol]);
                int code = decode(distances);
                if (code >= 30) {
                    throw new BadData("distance code " + code);
                }
                int distance = DISTANCE_BASE[code] + bits(DISTANCE_EXTRA[code]);
                if (distance > windowSize) {
                    throw new BadData("distance " + distance + " beyond the " + windowSize + "-byte window");
                }
                if (distance > produced) {
                    throw new BadData("distance " + distance + " before the start of the data (" + produced + " bytes)");
                }
                maxDistance = Math.max(maxDistance, distance);
                for (int k = 0; k < length; k++) {
                    put(history[(int) ((produced - distance) & (windowSize - 1))]);
                }
            }
        }
    }

    private void put(byte b) {
        history[(int) (produced & (windowSize - 1))] = b;
        produced++;
        out.write(b);
    }

    private int bits(int n) {
        int value = 0;
        for (int i = 0; i < n; i++) {
            if (bitPosition >= 8L * in.length) {
                throw new BadData("data ends inside a block");
            }
            int bit = (in[bitPosition >>> 3] >>> (bitPosition & 7)) & 1;
            value |= bit << i;
            bitPosition++;
        }
        return value;
    }

    /** A canonical Huffman code (RFC 1951 3.2.2) as counts per length and symbols in code order. */
    private static final class Code {
        final int[] count = new int[16];
        final int[] symbols;

        Code(byte[] lengths, int offset, int n, boolean fixed) {
            symbols = new int[n];
            for (int s = 0; s < n; s++) {
                count[lengths[offset + s]]++;
            }
            count[0] = 0;
            int left = 1;
            for (int len = 1; len < 16; len++) {
                left = (left << 1) - count[len];
                if (left < 0) {
                    throw new BadData("over-subscribed code");
                }
            }
            // The fixed codes are incomplete by definition (RFC 1951 3.2.6 lists 288 and 32 codes).
            if (left != 0 && !fixed) {
                throw new BadData("incomplete code of " + n + " symbols");
            }
            int[] offsets = new int[16];
            for (int len = 1; len < 15; len++) {
                offsets[len + 1] = offsets[len] + count[len];
            }
            for (int s = 0; s < n; s++) {
                if (lengths[offset + s] != 0) {
                    symbols[offsets[lengths[offset + s]]++] = s;
                }
            }
        }
    }

    /** Codes are read bit by bit, most significant first (RFC 1951 3.1.1). */
    private int decode(Code code) {
        int value = 0;
        int first = 0;
        int index = 0;
        for (int len = 1; len < 16; len++) {
            value |= bits(1);
            int count = code.count[len];
            if (value - first < count) {
                return code.symbols[index + value - first];
            }
            index += count;
            first = (first + count) << 1;
            value <<= 1;
        }
        throw new BadData("no code matches");
    }
}
