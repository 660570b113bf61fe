package org.wsbyhand.protocol.deflate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A DEFLATE compressor (RFC 1951) in pure Java whose LZ77 window is any size from 2^8 to 2^15
 * bytes, made for permessage-deflate (RFC 7692): {@link java.util.zip.Deflater} always uses a 32 KiB
 * window, so it cannot honour a peer's {@code server_max_window_bits} below 15, and it holds about
 * 260 KiB of native memory per stream.
 *
 * <p><b>Contract.</b> {@link #compress(ByteBuffer, boolean)} turns the given bytes into DEFLATE data
 * that ends with a sync flush, so a receiver can decode everything given so far; successive calls
 * continue one stream whose back-references may reach into earlier calls' data (context takeover)
 * until {@link #reset()} starts an empty window. No back-reference is ever longer ago than
 * {@code 2^windowBits} bytes, so a decoder with a window of that size decodes the stream; no block
 * has BFINAL set. Output is a valid DEFLATE stream for any input; incompressible data grows by at
 * most 5 bytes per 16,384 (a block's worth, stored) plus 1.
 *
 * <p><b>How.</b> LZ77 with hash chains over 3-byte prefixes; matches of 3-258 bytes (RFC 1951 3.2.5).
 * Levels 1-3 take the first good match (greedy); levels 4-9 defer a match by one byte when the next
 * position has a longer one (lazy matching), and search longer chains as the level rises. Level 0
 * only stores. For every block the compressor writes whichever of stored, fixed-Huffman and
 * dynamic-Huffman encodings is smallest (see {@link DeflateBlockWriter}).
 *
 * <p><b>Memory</b>, on the Java heap, allocated on the first call and kept: the window buffer (the
 * window plus at least 2 KiB of lookahead), a 2-byte chain link per window byte and a hash table of
 * 2-byte heads, {@link #memoryBytes(int)}: 6 * 2^windowBits bytes from 12 bits up (24 KiB at 12,
 * 96 KiB at 14, 192 KiB at 15), 5-7 KiB at 8-10 bits. Besides, about 6 KiB of Huffman tables and an
 * output and a symbol array sized to the messages, dropped after a message larger than the window.
 *
 * <p>Not thread-safe.
 */
public final class DeflateCompressor {

    /** The level used for -1, as zlib does. */
    public static final int DEFAULT_LEVEL = 6;

    private static final int MIN_MATCH = 3;
    private static final int MAX_MATCH = 258;
    /** Bytes ahead of the current position needed to try the longest match and hash its end. */
    private static final int MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
    /** A 3-byte match further back than this costs about as much as three literals; not taken. */
    private static final int TOO_FAR = 4096;
    /** Slack after the window buffer's end, so that 4- and 8-byte reads near the end stay inside it. */
    private static final int PADDING = 8;
    /** At least this much room for new bytes after the window, so small windows do not slide every few bytes. */
    private static final int MIN_LOOKAHEAD_ROOM = 2048;
    private static final int MAX_SYMBOLS_PER_BLOCK = 16384;
    private static final int NO_PENDING = -1;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Per level: search strategy and effort. {@code lazy}: defer matches (levels 4+).
     * {@code lazyOrInsertLimit}: lazy levels do not look for a better match after one at least this
     * long; greedy levels hash the positions inside a match only when it is at most this long.
     * {@code good}: with a deferred match this long, a quarter of the chain is searched.
     * {@code nice}: a match this long ends the search. {@code chain}: candidates tried per position.
     */
    private record Effort(boolean lazy, int lazyOrInsertLimit, int good, int nice, int chain) {}

    private static final Effort[] EFFORT = {
        null, // level 0 stores
        new Effort(false, 4, 4, 8, 4),
        new Effort(false, 5, 4, 16, 8),
        new Effort(false, 6, 4, 32, 32),
        new Effort(true, 4, 4, 16, 16),
        new Effort(true, 16, 8, 32, 32),
        new Effort(true, 16, 8, 128, 128),
        new Effort(true, 32, 8, 128, 256),
        new Effort(true, 128, 32, 258, 1024),
        new Effort(true, 258, 32, 258, 4096),
    };

    private final int level;
    private final int windowBits;
    private final int windowSize;
    private final int windowMask;
    private final int hashBits;
    private final Effort effort;
    private final int retainedSymbols;

    /** History (at most the window) followed by bytes not yet compressed; {@code PADDING} spare bytes at the end. */
    private byte[] window;
    private int capacity;
    /** Newest position of each 3-byte hash, as the low 16 bits of its absolute stream position. */
    private char[] head;
    /** For a position (absolute, masked by the window), the previous position with the same hash. */
    private char[] prev;
    /** Absolute stream position of {@code window[0]}; wraps, only its low 16 bits matter. */
    private int base;
    /** Next position to compress. */
    private int strstart;
    /** End of the bytes in the window. */
    private int end;
    /** First position a match may refer to: the start of the window after {@link #reset()}. */
    private int windowStart;
    /** First position that waits for more bytes before it can be hashed, or {@link #NO_PENDING}. */
    private int insertPending = NO_PENDING;

    private int[] symbols;
    private int symbolCount;
    /** The input of the current call: a stored block copies its bytes from there. */
    private ByteBuffer input;
    /** Where the current block's bytes start in {@link #input}. */
    private int blockStart;
    private int blockBytes;
    /** Distance of the match {@link #longestMatch} found. */
    private int matchDistance;

    private DeflateBlockWriter writer;

    /**
     * A compressor with the given level (0-9, or -1 for {@value #DEFAULT_LEVEL}) and window
     * (2^windowBits bytes, windowBits 8-15). Allocates nothing until the first call.
     *
     * @param level the compression level, 0 (store) to 9, or -1 for the default
     * @param windowBits the window size in bits, 8 to 15
     * @throws IllegalArgumentException for a level or window size out of range
     */
    public DeflateCompressor(int level, int windowBits) {
        if (level < -1 || level > 9) {
            throw new IllegalArgumentException("level must be -1..9, was " + level);
        }
        if (windowBits < DeflateParameters.MIN_WINDOW_BITS || windowBits > DeflateParameters.MAX_WINDOW_BITS) {
            throw new IllegalArgumentException("windowBits must be 8-15, was " + windowBits);
        }
        this.level = level == -1 ? DEFAULT_LEVEL : level;
        this.windowBits = windowBits;
        this.windowSize = 1 << windowBits;
        this.windowMask = windowSize - 1;
        this.hashBits = hashBits(windowBits);
        this.effort = EFFORT[this.level];
        this.retainedSymbols = Math.max(1024, windowSize / 4);
    }

    private static int hashBits(int windowBits) {
        return Math.min(15, Math.max(10, windowBits));
    }

    private static int windowBufferSize(int windowBits) {
        int size = 1 << windowBits;
        return size + Math.max(size, MIN_LOOKAHEAD_ROOM);
    }

    /**
     * The heap bytes the window, chain and hash arrays of a compressor with this window take, the
     * part that stays allocated for the compressor's life (array headers not counted).
     *
     * @param windowBits the window size in bits, 8 to 15
     * @return the number of heap bytes
     */
    public static long memoryBytes(int windowBits) {
        return windowBufferSize(windowBits) + PADDING + 2L * (1 << windowBits) + 2L * (1 << hashBits(windowBits));
    }

    /**
     * The level, 0-9.
     *
     * @return the compression level
     */
    public int level() {
        return level;
    }

    /**
     * The window size in bits: no back-reference reaches further than 2^windowBits bytes.
     *
     * @return the window size in bits, 8 to 15
     */
    public int windowBits() {
        return windowBits;
    }

    /**
     * Compresses the remaining bytes of {@code input} (its position is not moved) and ends them with
     * a sync flush: the data ends with an empty stored block on a byte boundary. With
     * {@code endOfMessage} that block's last four bytes, {@code 00 00 ff ff}, are left out (RFC 7692
     * 7.2.1); otherwise they are there, as between the fragments of one message. Back-references may
     * reach into the data of earlier calls since the last {@link #reset()}.
     *
     * @param input the bytes to compress, from its position to its limit
     * @param endOfMessage {@code true} when {@code input} ends the message
     * @return the compressed bytes
     */
    public byte[] compress(ByteBuffer input, boolean endOfMessage) {
        int from = input.position();
        int to = input.limit();
        if (writer == null) {
            writer = new DeflateBlockWriter(Math.max(4096, windowSize));
        }
        if (level == 0) {
            writer.writeStored(input, from, to - from);
        } else {
            if (window == null) {
                window = new byte[windowBufferSize(windowBits) + PADDING];
                capacity = window.length - PADDING;
                head = new char[1 << hashBits];
                prev = new char[windowSize];
            }
            if (symbols == null || (symbols.length < MAX_SYMBOLS_PER_BLOCK && symbols.length < to - from)) {
                symbols = new int[Math.min(MAX_SYMBOLS_PER_BLOCK, Math.max(64, to - from))];
            }
            this.input = input;
            blockStart = from;
            try {
                deflate(input, from, to);
                flushBlock();
            } finally {
                this.input = null;
            }
            if (symbols.length > retainedSymbols) {
                symbols = null;
            }
        }
        return writer.finish(endOfMessage);
    }

    /**
     * Forgets the window: the next call's data makes no reference to anything before it, as RFC 7692
     * 7.1.1 asks of a side that uses no context takeover. Cheap: nothing is cleared; stale hash
     * entries are recognised by their position.
     */
    public void reset() {
        base += end;
        strstart = 0;
        end = 0;
        windowStart = 0;
        insertPending = NO_PENDING;
    }

    // ---------------------------------------------------------------- LZ77

    private void deflate(ByteBuffer input, int from, int to) {
        int in = from;
        Effort e = effort;
        boolean lazy = e.lazy;
        int limit = e.lazyOrInsertLimit;
        // Lazy matching's state: a match found at strstart - 1, not yet emitted.
        boolean matchAvailable = false;
        int prevLength = MIN_MATCH - 1;
        int prevDistance = 0;
        while (true) {
            if (end - strstart < MIN_LOOKAHEAD && in < to) {
                in = fill(input, in, to);
                continue;
            }
            int cur = strstart;
            if (cur >= end) {
                break;
            }
            if (!lazy) {
                int length = 0;
                if (end - cur >= MIN_MATCH) {
                    length = longestMatch(cur, insert(cur), MIN_MATCH - 1, e);
                    if (length == MIN_MATCH && matchDistance > TOO_FAR) {
                        length = 0;
                    }
                }
                if (length >= MIN_MATCH) {
                    emitMatch(length, matchDistance);
                    if (length <= limit) {
                        int stop = Math.min(cur + length, end - MIN_MATCH + 1);
                        for (int p = cur + 1; p < stop; p++) {
                            insert(p);
                        }
                    }
                    strstart = cur + length;
                } else {
                    emitLiteral(window[cur]);
                    strstart = cur + 1;
                }
            } else {
                int length = MIN_MATCH - 1;
                int distance = 0;
                if (end - cur >= MIN_MATCH) {
                    int chainHead = insert(cur);
                    if (prevLength < limit) {
                        int found = longestMatch(cur, chainHead, prevLength, e);
                        if (found != 0 && !(found == MIN_MATCH && matchDistance > TOO_FAR)) {
                            length = found;
                            distance = matchDistance;
                        }
                    }
                }
                if (prevLength >= MIN_MATCH && length <= prevLength) {
                    // The match at cur - 1 is at least as long as any at cur: take it.
                    emitMatch(prevLength, prevDistance);
                    int stop = cur - 1 + prevLength;
                    int hashStop = Math.min(stop, end - MIN_MATCH + 1);
                    for (int p = cur + 1; p < hashStop; p++) {
                        insert(p);
                    }
                    strstart = stop;
                    matchAvailable = false;
                    prevLength = MIN_MATCH - 1;
                } else {
                    if (matchAvailable) {
                        emitLiteral(window[cur - 1]);
                    }
                    matchAvailable = true;
                    strstart = cur + 1;
                    prevLength = length;
                    prevDistance = distance;
                }
            }
        }
        if (matchAvailable) {
            // A deferred position at the very end: fewer than 3 bytes followed, so it is a literal.
            emitLiteral(window[strstart - 1]);
        }
        // The last two positions could not be hashed (a hash needs 3 bytes); the next call does it.
        int pending = insertPending == NO_PENDING ? end : insertPending;
        insertPending = Math.max(windowStart, Math.min(pending, end - MIN_MATCH + 1));
    }

    /** Copies more input after the window's end, first sliding the window down when the buffer is full. */
    private int fill(ByteBuffer input, int in, int to) {
        if (end == capacity) {
            slide();
        }
        int n = Math.min(to - in, capacity - end);
        input.get(in, window, end, n);
        end += n;
        if (insertPending != NO_PENDING) {
            // Positions from the previous call's end whose third byte has now arrived.
            while (insertPending < strstart && insertPending + MIN_MATCH <= end) {
                insert(insertPending++);
            }
            if (insertPending >= strstart) {
                insertPending = NO_PENDING;
            }
        }
        return in + n;
    }

    /**
     * Moves the last window's worth of history (one byte more, for a deferred match) and the bytes
     * not yet compressed to the start of the buffer. The hash entries hold absolute positions, so
     * they stay valid without being touched.
     */
    private void slide() {
        int keepFrom = Math.max(windowStart, strstart - windowSize - 1);
        System.arraycopy(window, keepFrom, window, 0, end - keepFrom);
        base += keepFrom;
        strstart -= keepFrom;
        end -= keepFrom;
        windowStart = Math.max(0, windowStart - keepFrom);
        if (insertPending != NO_PENDING) {
            insertPending -= keepFrom;
        }
    }

    /** Hashes the 3 bytes at {@code p} into the chains; returns the previous head of its chain. */
    private int insert(int p) {
        int v = (int) INT.get(window, p) & 0xFFFFFF;
        int h = (v * 0x9E3779B1) >>> (32 - hashBits);
        int absolute = base + p;
        char previous = head[h];
        prev[absolute & windowMask] = previous;
        head[h] = (char) absolute;
        return previous;
    }

    /**
     * The longest match for position {@code cur} longer than {@code previousLength}, following the
     * hash chain from {@code chainHead}: its length (0 when none is longer), its distance in
     * {@link #matchDistance}. A candidate is used only when it lies inside the window (distance at
     * most 2^windowBits, not before {@link #windowStart}) and its bytes really match, which also
     * makes stale or aliased 16-bit chain entries harmless; distances must grow along the chain, so
     * a chain can never loop.
     */
    private int longestMatch(int cur, int chainHead, int previousLength, Effort e) {
        byte[] w = window;
        char[] links = prev;
        int mask = windowMask;
        int maxLength = Math.min(MAX_MATCH, end - cur);
        int bestLength = previousLength;
        if (bestLength >= maxLength) {
            return 0;
        }
        int chain = previousLength >= e.good ? e.chain >> 2 : e.chain;
        int nice = Math.min(e.nice, maxLength);
        int curAbsolute = base + cur;
        int lowest = Math.max(windowStart, cur - windowSize);
        int lastDistance = 0;
        int bestDistance = 0;
        int candidate = chainHead;
        // A longer match must agree on the bytes at bestLength - 1 and bestLength, and on the first two.
        short scanStart = (short) SHORT.get(w, cur);
        short scanEnd = (short) SHORT.get(w, cur + bestLength - 1);
        while (true) {
            int distance = (curAbsolute - candidate) & 0xFFFF;
            if (distance <= lastDistance || cur - distance < lowest) {
                break;
            }
            lastDistance = distance;
            int c = cur - distance;
            if ((short) SHORT.get(w, c + bestLength - 1) == scanEnd && (short) SHORT.get(w, c) == scanStart) {
                int length = matchLength(w, c, cur, maxLength);
                if (length > bestLength) {
                    bestLength = length;
                    bestDistance = distance;
                    if (length >= nice) {
                        break;
                    }
                    scanEnd = (short) SHORT.get(w, cur + bestLength - 1);
                }
            }
            if (--chain == 0) {
                break;
            }
            candidate = links[(curAbsolute - distance) & mask];
        }
        matchDistance = bestDistance;
        return bestDistance == 0 ? 0 : bestLength;
    }

    /** How many bytes at {@code a} and {@code b} agree, up to {@code max}; compares 8 at a time. */
    private static int matchLength(byte[] w, int a, int b, int max) {
        int length = 2;
        while (length + 8 <= max) {
            long diff = (long) LONG.get(w, a + length) ^ (long) LONG.get(w, b + length);
            if (diff != 0) {
                return length + (Long.numberOfTrailingZeros(diff) >>> 3);
            }
            length += 8;
        }
        while (length < max && w[a + length] == w[b + length]) {
            length++;
        }
        return length;
    }

    // ---------------------------------------------------------------- symbols and blocks

    private void emitLiteral(byte b) {
        symbols[symbolCount++] = b & 0xFF;
        blockBytes++;
        if (symbolCount == symbols.length) {
            fullSymbols();
        }
    }

    private void emitMatch(int length, int distance) {
        symbols[symbolCount++] = distance << 8 | (length - MIN_MATCH);
        blockBytes += length;
        if (symbolCount == symbols.length) {
            fullSymbols();
        }
    }

    private void fullSymbols() {
        if (symbols.length < MAX_SYMBOLS_PER_BLOCK) {
            symbols = Arrays.copyOf(symbols, Math.min(MAX_SYMBOLS_PER_BLOCK, symbols.length * 2));
        } else {
            flushBlock();
        }
    }

    private void flushBlock() {
        if (symbolCount == 0) {
            return;
        }
        writer.writeBlock(symbols, symbolCount, input, blockStart, blockBytes);
        blockStart += blockBytes;
        blockBytes = 0;
        symbolCount = 0;
    }
}
