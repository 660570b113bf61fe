package org.wsbyhand.protocol.deflate;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.Violation;

/**
 * The permessage-deflate payload transformation of one connection (RFC 7692 section 7.2): it
 * compresses the messages this side sends and decompresses the ones it receives, keeping or
 * dropping the LZ77 window between messages as the agreed {@link DeflateParameters} say. A
 * {@link org.wsbyhand.protocol.Connection} created with one does the framing (RSV1 on the first
 * frame only) and calls this class; it can also be used on its own.
 *
 * <p><b>Sending (7.2.1).</b> A message is deflated with a sync flush and the trailing
 * {@code 00 00 ff ff} of the flush's empty stored block is removed. A fragmented message is one
 * DEFLATE stream: every fragment is sync-flushed so the peer can inflate it on arrival, and only the
 * last one loses its tail.
 *
 * <p><b>Receiving (7.2.2).</b> Payload chunks are given to the inflater as they arrive
 * ({@link #input}) and inflated straight into the caller's buffer ({@link #inflate}); after the
 * last frame, {@link #endInput()} feeds the {@code 00 00 ff ff} the sender removed. The
 * decompressed size is never known in advance and never allocated in advance: the caller grows its
 * buffer as output comes, within its limits, so a small "decompression bomb" costs at most the
 * caller's limit, and this class keeps no output buffer of its own. Data that is not valid DEFLATE
 * fails with {@link Violation#INVALID_COMPRESSED_DATA} (1007). Bytes after a block with BFINAL set
 * are ignored (7.2.3.4 shows a sender appending them); the next message then starts a new stream
 * with an empty window.
 *
 * <p><b>Compressors and memory.</b> This side compresses within the window it agreed to (RFC 7692
 * 7.1.2), or a smaller one its {@link DeflateOptions} ask for ({@link #sendWindowBits()}): with
 * {@link Deflater} at 15 bits (about 260 KiB of native zlib memory at the default memory level),
 * and with the pure-Java {@link DeflateCompressor} below 15 bits, which Deflater cannot do (its heap
 * arrays scale with the window: about 16 KiB in all at 10 bits, see {@link DeflateCompressor#memoryBytes}).
 * The compressor is created on the first compressed send, the {@link Inflater} (about 8 KiB of
 * state plus a 32 KiB window) on the first compressed receive. A side that uses no context takeover
 * ends its stream after every message, so between messages it holds nothing. {@link #close()} ends
 * both; it is idempotent, and the connection calls it when it closes, fails or learns the transport
 * ended. {@link #liveDeflaters()} and {@link #liveInflaters()} count the zlib streams not yet ended,
 * process-wide, for leak tests and monitoring.
 *
 * <p><b>Window sizes.</b> Every window from 8 to 15 bits is honoured; {@link #canCompress()} is
 * always true. A message compressed once for many connections ({@link #compressWithoutContext(ByteBuffer,
 * int, int)}) must be compressed within the smallest {@link #sendWindowBits()} among them.
 *
 * <p>Not thread-safe: the owning connection's lock serializes calls.
 */
public final class PerMessageDeflate implements AutoCloseable {

    /** The empty stored block a sync flush ends with (RFC 7692 7.2.1 step 2, 7.2.2 step 1). */
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    private static final byte[] NO_BYTES = new byte[0];

    private static final AtomicLong LIVE_DEFLATERS = new AtomicLong();
    private static final AtomicLong LIVE_INFLATERS = new AtomicLong();

    private final Role role;
    private final DeflateParameters parameters;
    private final DeflateOptions options;
    private final boolean sendNoContextTakeover;
    private final boolean receiveNoContextTakeover;
    /** The largest window this side compresses with: the agreed one or, by this side's options, smaller. */
    private final int sendWindowBits;

    /** The 15-bit compressor; null below 15 bits or while none is needed. */
    private Deflater deflater;
    /** The compressor below 15 bits; null at 15 bits or while none is needed. */
    private DeflateCompressor compressor;
    private Inflater inflater;
    /** {@link #endInput()} was called: the next {@link #inflate} that returns 0 completes the message. */
    private boolean ending;
    /** A message compressed elsewhere went out: the peer's window no longer matches the Deflater's. */
    private boolean sendContextStale;
    private boolean closed;

    // Statistics of this instance (see the accessors).
    private long messagesCompressed;
    private long bytesBeforeCompression;
    private long bytesAfterCompression;
    private long messagesInflated;
    private long bytesBeforeInflation;
    private long bytesAfterInflation;

    /**
     * The transformation for the {@code role} side of a connection that agreed on {@code parameters}.
     *
     * @param options this side's level and minimum message size (the negotiation flags are already
     *                part of {@code parameters})
     * @param role the side of the connection this instance compresses and decompresses for
     * @param parameters the parameters both sides agreed on in the handshake
     */
    public PerMessageDeflate(Role role, DeflateParameters parameters, DeflateOptions options) {
        if (role == null || parameters == null || options == null) {
            throw new IllegalArgumentException("role, parameters and options are required");
        }
        this.role = role;
        this.parameters = parameters;
        this.options = options;
        Role peer = role == Role.SERVER ? Role.CLIENT : Role.SERVER;
        this.sendNoContextTakeover = parameters.noContextTakeover(role);
        this.receiveNoContextTakeover = parameters.noContextTakeover(peer);
        this.sendWindowBits = Math.min(parameters.maxWindowBits(role), options.maxWindowBits(role));
    }

    // ---------------------------------------------------------------- sending

    /**
     * Whether this side may send compressed messages at all: always, since every window RFC 7692
     * allows (8-15 bits) can be kept to. (Before {@link DeflateCompressor}, windows under 15 bits
     * were not.)
     *
     * @return {@code true}, for every window size RFC 7692 allows
     */
    public boolean canCompress() {
        return true;
    }

    /**
     * The largest LZ77 window this side compresses with, 8-15 bits: the smaller of the agreed
     * {@link DeflateParameters#maxWindowBits} for this side and this side's own
     * {@link DeflateOptions#maxWindowBits}. A sender may always use a smaller window than agreed.
     *
     * @return the send window size in bits, 8 to 15
     */
    public int sendWindowBits() {
        return sendWindowBits;
    }

    /**
     * Whether a whole message of {@code length} bytes is worth compressing: at least the minimum size.
     *
     * @param length the size of the whole message in bytes
     * @return {@code true} when the message should be sent compressed
     */
    public boolean shouldCompress(int length) {
        return length >= options.minMessageSize();
    }

    /**
     * Whether a window of {@code windowBits} is compressed with {@link Deflater} rather than
     * {@link DeflateCompressor}: only at 15 bits, the one window Deflater keeps to. There both give
     * the same ratio and Deflater was measured faster at the default level (25 against 29 µs per
     * chat message, 1.7 against 2.2 ms per 64 KiB text; the benchmarks module's
     * {@code CompressCpuTime} and {@code CompressBenchmark}).
     */
    static boolean usesDeflater(int windowBits) {
        return windowBits == DeflateParameters.MAX_WINDOW_BITS;
    }

    /**
     * Compresses a whole message, the remaining bytes of {@code message} (its position is not
     * moved), into the payload of one frame with RSV1 set.
     *
     * @param message the whole message, from its position to its limit
     * @return the payload of the compressed frame, to be sent with RSV1 set
     * @throws IllegalStateException after {@link #close()}
     */
    public byte[] compress(ByteBuffer message) {
        return compressFragment(message, true);
    }

    /**
     * Compresses one fragment of a message; the first fragment's frame carries RSV1, the others
     * not (RFC 7692 6.1). {@code fin} marks the last fragment, whose flush tail is removed.
     *
     * @param fragment the fragment's bytes, from its position to its limit
     * @param fin {@code true} for the last fragment of the message
     * @return the compressed payload of this fragment's frame
     * @throws IllegalStateException after {@link #close()}
     */
    public byte[] compressFragment(ByteBuffer fragment, boolean fin) {
        checkOpen();
        int inputLength = fragment.remaining();
        byte[] out;
        if (usesDeflater(sendWindowBits)) {
            if (deflater == null) {
                deflater = new Deflater(options.compressionLevel(), true);
                LIVE_DEFLATERS.incrementAndGet();
            } else if (sendContextStale) {
                deflater.reset();
            }
            out = deflate(deflater, fragment);
            if (fin) {
                out = endMessage(out);
                if (sendNoContextTakeover) {
                    endDeflater();
                }
            }
        } else {
            if (compressor == null) {
                // Without context takeover a whole message needs no window larger than itself.
                boolean wholeMessageAlone = sendNoContextTakeover && fin;
                compressor = new DeflateCompressor(options.compressionLevel(),
                        wholeMessageAlone ? windowFor(inputLength, sendWindowBits) : sendWindowBits);
            } else if (sendContextStale) {
                compressor.reset();
            }
            out = compressor.compress(fragment, fin);
            if (fin && sendNoContextTakeover) {
                compressor = null;
            }
        }
        sendContextStale = false;
        if (fin) {
            messagesCompressed++;
        }
        bytesBeforeCompression += inputLength;
        bytesAfterCompression += out.length;
        return out;
    }

    /** The smallest window of at least 8 bits that holds {@code length} bytes, at most {@code maxBits}. */
    private static int windowFor(int length, int maxBits) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, length - 1));
        return Math.max(DeflateParameters.MIN_WINDOW_BITS, Math.min(maxBits, bits));
    }

    /**
     * RFC 7692 7.2.1: the message data must end with an empty stored block, whose last four bytes
     * ({@code 00 00 ff ff}) are then removed. A sync flush ends with one, except when zlib had
     * nothing to flush: empty input right after the previous flush gives no output at all. The
     * stream is byte-aligned then, so the block to append is {@code 00 00 00 ff ff}, of which the
     * single byte {@code 00} remains.
     */
    private static byte[] endMessage(byte[] out) {
        if (out.length == 0) {
            return new byte[] {0x00};
        }
        if (!endsWithTail(out, out.length)) {
            throw new IllegalStateException("zlib's sync flush did not end with an empty stored block");
        }
        return Arrays.copyOf(out, out.length - TAIL.length);
    }

    /**
     * Tells this side that a message compressed by {@link #compressWithoutContext} was sent on its
     * connection. The peer's window now holds that message and no longer ends with what this side's
     * compressor remembers, so the next message starts with an empty window.
     */
    public void messageSentWithoutContext() {
        sendContextStale = true;
    }

    /**
     * Compresses a whole message with an empty window and a Deflater of its own, which is ended
     * before returning: {@link #compressWithoutContext(ByteBuffer, int, int)} with a 15-bit window.
     *
     * @param message the whole message, from its position to its limit; its position is not moved
     * @param level the zlib compression level, 0-9, or -1 for zlib's default
     * @return the compressed frame payload, to be sent with RSV1 set
     */
    public static byte[] compressWithoutContext(ByteBuffer message, int level) {
        return compressWithoutContext(message, level, DeflateParameters.MAX_WINDOW_BITS);
    }

    /**
     * Compresses a whole message with an empty window and a compressor of its own, making no
     * reference further back than 2^windowBits bytes. The payload is valid on every connection whose
     * {@link #sendWindowBits()} is at least {@code windowBits}, whatever its context takeover,
     * provided that connection is told with {@link #messageSentWithoutContext()}: a broadcast can
     * compress once for many recipients.
     *
     * @param message the whole message, from its position to its limit; its position is not moved
     * @param level the zlib compression level, 0-9, or -1 for zlib's default
     * @param windowBits the largest window to refer back into, 8 to 15 bits
     * @return the compressed frame payload, to be sent with RSV1 set
     */
    public static byte[] compressWithoutContext(ByteBuffer message, int level, int windowBits) {
        if (!usesDeflater(windowBits)) {
            return new DeflateCompressor(level, windowFor(message.remaining(), windowBits)).compress(message, true);
        }
        Deflater deflater = new Deflater(level, true);
        LIVE_DEFLATERS.incrementAndGet();
        try {
            return endMessage(deflate(deflater, message));
        } finally {
            deflater.end();
            LIVE_DEFLATERS.decrementAndGet();
        }
    }

    /** Deflates all of {@code input} with a sync flush, growing the output as zlib asks. */
    private static byte[] deflate(Deflater deflater, ByteBuffer input) {
        ByteBuffer in = input.slice();
        int length = in.remaining();
        deflater.setInput(in);
        byte[] out = new byte[Math.max(64, length + (length >> 6) + 16)];
        int size = 0;
        while (true) {
            size += deflater.deflate(out, size, out.length - size, Deflater.SYNC_FLUSH);
            // Deflater.deflate with SYNC_FLUSH: a full output buffer means there may be more.
            if (size < out.length) {
                break;
            }
            out = Arrays.copyOf(out, out.length * 2);
        }
        return size == out.length ? out : Arrays.copyOf(out, size);
    }

    private static boolean endsWithTail(byte[] out, int length) {
        return length >= TAIL.length && out[length - 4] == TAIL[0] && out[length - 3] == TAIL[1]
                && out[length - 2] == TAIL[2] && out[length - 1] == TAIL[3];
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Hands the inflater the next payload chunk of a compressed message. The bytes are read in
     * place, not copied: call {@link #inflate} until it returns 0 before the caller reuses them.
     * Bytes after a block with BFINAL set are ignored (RFC 7692 7.2.3.4 shows a sender appending
     * them).
     *
     * @param bytes the array holding the chunk
     * @param offset the index of the chunk's first byte in {@code bytes}
     * @param length the number of bytes in the chunk
     * @throws IllegalStateException after {@link #close()}
     */
    public void input(byte[] bytes, int offset, int length) {
        checkOpen();
        Inflater in = inflater();
        bytesBeforeInflation += length;
        if (length > 0 && !in.finished()) {
            in.setInput(bytes, offset, length);
        }
    }

    /**
     * Ends the message's input (RFC 7692 7.2.2): feeds the {@code 00 00 ff ff} the sender removed.
     * The next {@link #inflate} calls deliver the rest of the message; the one that returns 0
     * completes it, dropping the window when the peer uses no context takeover or ended its stream.
     *
     * @throws IllegalStateException after {@link #close()}, or before {@link #inflate} returned 0
     *     for the input given so far
     */
    public void endInput() {
        checkOpen();
        Inflater in = inflater();
        if (!in.finished() && !in.needsInput()) {
            throw new IllegalStateException("the input given so far is not inflated yet");
        }
        if (!in.finished()) {
            in.setInput(TAIL);
        }
        ending = true;
    }

    /**
     * Inflates what the input given so far holds into {@code out[offset, offset + length)}, with
     * no buffer of its own in between: the caller sizes its buffer (and so counts the inflated
     * size against its limits) before any byte is produced, which is what keeps a small
     * "decompression bomb" from costing more than the caller allows.
     *
     * @param length room in {@code out}, at least 1
     * @param out the array the inflated bytes are written to
     * @param offset the index in {@code out} of the first byte to write
     * @return the number of bytes written; 0 when every input byte given so far has been inflated
     *     and delivered (after {@link #endInput()}, the message is then complete)
     * @throws ProtocolException {@link Violation#INVALID_COMPRESSED_DATA} for data that is not
     *     valid DEFLATE; the message (and in practice the connection) is then dead
     * @throws IllegalStateException after {@link #close()}
     */
    public int inflate(byte[] out, int offset, int length) throws ProtocolException {
        checkOpen();
        if (length <= 0) {
            throw new IllegalArgumentException("no room to inflate into");
        }
        Inflater in = inflater();
        int n;
        try {
            n = in.inflate(out, offset, length);
        } catch (DataFormatException e) {
            throw new ProtocolException(Violation.INVALID_COMPRESSED_DATA, e.getMessage());
        }
        if (n > 0) {
            bytesAfterInflation += n;
            return n;
        }
        if (!in.finished() && !in.needsInput()) {
            // Raw DEFLATE has no dictionary request, and zlib always progresses with input and room:
            // anything else is data we cannot use, and calling again would never end.
            throw new ProtocolException(Violation.INVALID_COMPRESSED_DATA, "inflater made no progress");
        }
        // The inflater keeps a reference to its input array: let go of the caller's buffer.
        in.setInput(NO_BYTES);
        if (ending) {
            ending = false;
            messagesInflated++;
            if (receiveNoContextTakeover) {
                endInflater();
            } else if (in.finished()) {
                in.reset();
            }
        }
        return 0;
    }

    /**
     * Decompresses a whole message payload (without its tail) in one call, refusing output over
     * {@code maxSize} bytes with {@link Violation#MESSAGE_TOO_BIG} before allocating it.
     *
     * @param payload the compressed message payload, without the empty-block tail
     * @param maxSize the most bytes the decompressed message may have
     * @return the decompressed message
     * @throws ProtocolException when the payload is not valid DEFLATE data, or inflates to more than
     *     {@code maxSize} bytes
     */
    public byte[] decompress(byte[] payload, int maxSize) throws ProtocolException {
        input(payload, 0, payload.length);
        byte[] out = new byte[(int) Math.min(maxSize, Math.max(64, payload.length * 4L))];
        int size = 0;
        boolean ended = false;
        while (true) {
            if (size == out.length && size < maxSize) {
                out = Arrays.copyOf(out, (int) Math.min(maxSize, 2L * out.length));
            }
            int n;
            if (size < out.length) {
                n = inflate(out, size, out.length - size);
                size += n;
            } else if ((n = inflate(new byte[1], 0, 1)) > 0) {
                throw new ProtocolException(Violation.MESSAGE_TOO_BIG, "more than " + maxSize + " bytes after inflating");
            }
            if (n == 0) {
                if (ended) {
                    break;
                }
                endInput();
                ended = true;
            }
        }
        return size == out.length ? out : Arrays.copyOf(out, size);
    }

    private Inflater inflater() {
        if (inflater == null) {
            inflater = new Inflater(true);
            LIVE_INFLATERS.incrementAndGet();
        }
        return inflater;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * The agreed parameters.
     *
     * @return the parameters negotiated in the handshake
     */
    public DeflateParameters parameters() {
        return parameters;
    }

    /**
     * This side's options.
     *
     * @return the options given at construction
     */
    public DeflateOptions options() {
        return options;
    }

    /**
     * Messages this instance compressed (whole messages and finished fragmented ones).
     *
     * @return the count of compressed messages
     */
    public long messagesCompressed() {
        return messagesCompressed;
    }

    /**
     * Bytes this instance was given to compress.
     *
     * @return the count of uncompressed bytes given to compression
     */
    public long bytesBeforeCompression() {
        return bytesBeforeCompression;
    }

    /**
     * Bytes this instance's compression produced (frame payloads, without headers).
     *
     * @return the count of compressed bytes produced
     */
    public long bytesAfterCompression() {
        return bytesAfterCompression;
    }

    /**
     * Compressed messages this instance inflated to the end.
     *
     * @return the count of messages inflated
     */
    public long messagesInflated() {
        return messagesInflated;
    }

    /**
     * Compressed payload bytes this instance was given to inflate.
     *
     * @return the count of compressed bytes given to inflation
     */
    public long bytesBeforeInflation() {
        return bytesBeforeInflation;
    }

    /**
     * Bytes this instance's inflation produced.
     *
     * @return the count of inflated bytes produced
     */
    public long bytesAfterInflation() {
        return bytesAfterInflation;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once this instance is closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends the zlib streams, releasing their native memory now rather than at garbage collection, and
     * drops the pure-Java compressor.
     * Idempotent; afterwards compressing or inflating throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        endDeflater();
        endInflater();
    }

    /**
     * Deflaters created by this class and not yet ended, process-wide.
     *
     * @return the number of live deflaters in this JVM
     */
    public static long liveDeflaters() {
        return LIVE_DEFLATERS.get();
    }

    /**
     * Inflaters created by this class and not yet ended, process-wide.
     *
     * @return the number of live inflaters in this JVM
     */
    public static long liveInflaters() {
        return LIVE_INFLATERS.get();
    }

    /** Whether this instance holds a compressor (Deflater or DeflateCompressor) now, for tests of the memory policy. */
    boolean holdsDeflater() {
        return deflater != null || compressor != null;
    }

    /** Whether this instance holds an Inflater now. */
    boolean holdsInflater() {
        return inflater != null;
    }

    private void endDeflater() {
        compressor = null;
        if (deflater != null) {
            deflater.end();
            deflater = null;
            LIVE_DEFLATERS.decrementAndGet();
        }
    }

    private void endInflater() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
            LIVE_INFLATERS.decrementAndGet();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("permessage-deflate state was released");
        }
    }
}
