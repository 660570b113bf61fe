package org.wsbyhand.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Reassembles one data message at a time from the payload chunks of its frames (RFC 6455 section
 * 5.4), inflating it when it is compressed (RFC 7692), and turns it into an {@link Event}. Text is
 * validated as UTF-8 chunk by chunk, so an invalid message fails at its first bad byte; the message
 * size and fragment limits are checked before bytes are buffered (for compressed messages, while
 * they are inflated).
 *
 * <p><b>Memory.</b> The buffer grows only as bytes arrive (or come out of the inflater), doubling
 * from a small start, so a peer that announces a big frame and then stalls holds at most twice
 * what it sent, and a message in a million tiny fragments costs linear time. Every growth is asked
 * of the {@link MemoryBudget} before it is allocated. After a message the buffer is given back
 * unless it is small ({@value #KEEP_CAPACITY} bytes or less), and {@link #trim()} gives back even
 * that. The bytes of a finished message stay counted until the caller has taken its event
 * ({@link #eventsTaken()}), since the event holds them.
 */
final class MessageAssembler {

    /** Bytes of a byte array's object header on 64-bit JVMs: capacities are powers of two less this. */
    private static final int ARRAY_HEADER = 16;
    /** The first allocation for a message's bytes. */
    private static final int FIRST_CAPACITY = 512 - ARRAY_HEADER;
    /** A buffer up to this size is kept for the next message; larger ones are given back. */
    static final int KEEP_CAPACITY = 4096 - ARRAY_HEADER;

    private final int maxMessageSize;
    private final int maxFragments;
    private final PerMessageDeflate deflate;
    private final MemoryBudget budget;
    /** Created with the first text message (an idle connection carries nothing it does not use). */
    private Utf8Validator utf8;

    private Opcode opcode;
    private boolean compressed;
    private int fragments;
    private byte[] buffer;
    private int size;
    /** The most the current frame may make the buffer hold: its end when it is final, else the limit. */
    private int frameCap;
    /** Bytes granted by the budget for buffers that finished messages took with them. */
    private long lent;

    /** An assembler enforcing {@code limits}; {@code deflate} is null without permessage-deflate. */
    MessageAssembler(Limits limits, PerMessageDeflate deflate, MemoryBudget budget) {
        this.maxMessageSize = limits.maxMessageSize();
        this.maxFragments = limits.maxFragments();
        this.deflate = deflate;
        this.budget = budget;
    }

    /** Whether a message is in progress (its first frame arrived, its final one not yet). */
    boolean inProgress() {
        return opcode != null;
    }

    /** The opcode of the message in progress, or null. */
    Opcode opcode() {
        return opcode;
    }

    /** Whether the message in progress is compressed. */
    boolean compressed() {
        return compressed;
    }

    /** Starts a message with its first frame's opcode and RSV1 bit. */
    void begin(Opcode first, boolean isCompressed) {
        opcode = first;
        compressed = isCompressed;
        size = 0;
        fragments = 0;
        if (first == Opcode.TEXT) {
            if (utf8 == null) {
                utf8 = new Utf8Validator();
            } else {
                utf8.reset();
            }
        }
    }

    /**
     * Checks, from a frame's header, that the message may have one more frame and that the frame's
     * payload fits the message limit. Compressed frames are checked while inflating instead, since
     * the limit applies to the inflated size.
     */
    void checkFrame(long frameLength, boolean fin) throws ProtocolException {
        if (++fragments > maxFragments) {
            throw new ProtocolException(Violation.TOO_MANY_FRAGMENTS, "more than " + maxFragments + " frames");
        }
        if (compressed) {
            frameCap = maxMessageSize;
            return;
        }
        if (size + frameLength > maxMessageSize) {
            throw new ProtocolException(Violation.MESSAGE_TOO_BIG, (size + frameLength) + " > " + maxMessageSize + " bytes");
        }
        // The final frame's end is the message's end: the buffer can stop growing exactly there
        // and become a binary event without another copy.
        frameCap = fin ? size + (int) frameLength : maxMessageSize;
    }

    /** Whether no payload byte of the message has been buffered yet. */
    boolean isEmpty() {
        return size == 0;
    }

    /**
     * The whole message arrived in one chunk of one frame: makes its event straight from the chunk,
     * without buffering.
     */
    Event whole(byte[] bytes, int offset, int length) throws ProtocolException {
        validate(bytes, offset, length);
        return finish(bytes, offset, length);
    }

    /** The next chunk of payload (compressed or not) of the message in progress. */
    void append(byte[] bytes, int offset, int length) throws ProtocolException {
        if (compressed) {
            deflate.input(bytes, offset, length);
            inflatePending();
            return;
        }
        validate(bytes, offset, length);
        ensureCapacity(size + length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    /** The final frame ended: the message's event. */
    Event finish() throws ProtocolException {
        if (compressed) {
            // RFC 7692 7.2.2: append 00 00 ff ff and inflate what is left.
            deflate.endInput();
            inflatePending();
        }
        return finish(buffer == null ? new byte[0] : buffer, 0, size);
    }

    /** Forgets the message in progress (after its event, or when the connection fails or closes). */
    void reset() {
        opcode = null;
        compressed = false;
        size = 0;
        fragments = 0;
        if (buffer != null && buffer.length > KEEP_CAPACITY) {
            budget.release(buffer.length);
            buffer = null;
        }
    }

    /** Gives back the buffer kept for the next message, unless a message is in progress. */
    void trim() {
        if (opcode == null && buffer != null) {
            budget.release(buffer.length);
            buffer = null;
        }
    }

    /** The caller took every event made so far: the buffers they carried are no longer counted. */
    void eventsTaken() {
        if (lent > 0) {
            budget.release(lent);
            lent = 0;
        }
    }

    /** Bytes of buffers that finished messages took with them and that still count. */
    long bytesLent() {
        return lent;
    }

    /** Gives back everything: the connection is done receiving. */
    void releaseAll() {
        reset();
        trim();
        eventsTaken();
    }

    /** The reassembly buffer's capacity, for tests of the buffering bound. */
    int capacity() {
        return buffer == null ? 0 : buffer.length;
    }

    private Event finish(byte[] bytes, int offset, int length) throws ProtocolException {
        Event event;
        if (opcode == Opcode.TEXT) {
            if (!utf8.isComplete()) {
                throw new ProtocolException(Violation.INVALID_UTF8, "message ends inside a character");
            }
            event = new Event.Text(new String(bytes, offset, length, StandardCharsets.UTF_8));
        } else if (bytes == buffer && offset == 0 && length == buffer.length) {
            // The reassembly buffer holds exactly the message: hand it over instead of copying it.
            event = new Event.Binary(buffer);
            lent += buffer.length;
            buffer = null;
        } else {
            event = new Event.Binary(Arrays.copyOfRange(bytes, offset, offset + length));
        }
        if (bytes == buffer && buffer.length > KEEP_CAPACITY) {
            // The event holds a copy (a string, an array) about the size of the buffer, which goes now.
            lent += buffer.length;
            buffer = null;
        }
        reset();
        return event;
    }

    /**
     * Inflates everything the input given so far holds, straight into the buffer, growing it as
     * output comes and never past the message limit: one byte more than the limit fails with 1009.
     */
    private void inflatePending() throws ProtocolException {
        while (true) {
            if (buffer == null || size == buffer.length) {
                if (size >= maxMessageSize) {
                    if (deflate.inflate(new byte[1], 0, 1) > 0) {
                        throw new ProtocolException(Violation.MESSAGE_TOO_BIG, "more than " + maxMessageSize + " bytes after inflating");
                    }
                    return;
                }
                ensureCapacity(size + 1);
            }
            int n = deflate.inflate(buffer, size, buffer.length - size);
            if (n == 0) {
                return;
            }
            validate(buffer, size, n);
            size += n;
        }
    }

    private void validate(byte[] bytes, int offset, int length) throws ProtocolException {
        if (opcode == Opcode.TEXT && !utf8.feed(bytes, offset, length)) {
            throw new ProtocolException(Violation.INVALID_UTF8);
        }
    }

    /**
     * Makes room for {@code needed} bytes: doubles the buffer (so total copying stays linear in the
     * message), but never past what the current frame may hold, and asks the budget first.
     */
    private void ensureCapacity(int needed) throws ProtocolException {
        int old = buffer == null ? 0 : buffer.length;
        if (needed <= old) {
            return;
        }
        // Powers of two less the array header: a buffer of 512 KiB or more then fills whole
        // humongous regions of the G1 collector instead of spilling one byte into another region.
        long doubled = old == 0 ? FIRST_CAPACITY : 2L * old + ARRAY_HEADER;
        int target = (int) Math.max(needed, Math.min(frameCap, doubled));
        if (!budget.tryReserve(target - old)) {
            throw new ProtocolException(Violation.MEMORY_BUDGET_EXCEEDED,
                    "could not grow the message buffer to " + target + " bytes");
        }
        byte[] grown = new byte[target];
        if (size > 0) {
            System.arraycopy(buffer, 0, grown, 0, size);
        }
        buffer = grown;
    }
}
