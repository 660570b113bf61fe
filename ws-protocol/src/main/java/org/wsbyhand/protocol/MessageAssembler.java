package org.wsbyhand.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Reassembles one data message at a time from the payload chunks of its frames (RFC 6455 section
 * 5.4), inflating it when it is compressed (RFC 7692), and turns it into an {@link Event}. Text is
 * validated as UTF-8 chunk by chunk, so an invalid message fails at its first bad byte, and the
 * message size limit is checked before bytes are buffered (for compressed messages, while they
 * are inflated). The reassembly buffer grows with the message and is kept between messages only
 * while it is small, so idle connections stay cheap.
 */
final class MessageAssembler {

    /** A buffer larger than this is dropped after its message. */
    private static final int KEEP_BUFFER_LIMIT = 64 * 1024;
    /** The first allocation for a message's bytes (less when its frame is shorter). */
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final int maxMessageSize;
    private final PerMessageDeflate deflate;
    /** Created with the first text message (an idle connection carries nothing it does not use). */
    private Utf8Validator utf8;
    private final PerMessageDeflate.InflateSink inflated;

    private Opcode opcode;
    private boolean compressed;
    private byte[] buffer;
    private int size;
    /** Where the current (uncompressed) frame's payload ends in the message. */
    private int frameEnd;

    /** An assembler enforcing {@code maxMessageSize}; {@code deflate} is null without permessage-deflate. */
    MessageAssembler(int maxMessageSize, PerMessageDeflate deflate) {
        this.maxMessageSize = maxMessageSize;
        this.deflate = deflate;
        this.inflated = deflate == null ? null : this::appendInflated;
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
        if (first == Opcode.TEXT) {
            if (utf8 == null) {
                utf8 = new Utf8Validator();
            } else {
                utf8.reset();
            }
        }
    }

    /**
     * Checks, from a frame's header, that its payload fits the message limit. Compressed frames are
     * checked while inflating instead, since the limit applies to the inflated size.
     */
    void checkFrameFits(long frameLength) throws ProtocolException {
        if (compressed) {
            return;
        }
        if (size + frameLength > maxMessageSize) {
            throw new ProtocolException(Violation.MESSAGE_TOO_BIG, (size + frameLength) + " > " + maxMessageSize + " bytes");
        }
        frameEnd = size + (int) frameLength;
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
            deflate.inflate(bytes, offset, length, inflated);
            return;
        }
        validate(bytes, offset, length);
        copy(bytes, offset, length);
    }

    /** The final frame ended: the message's event. */
    Event finish() throws ProtocolException {
        if (compressed) {
            // RFC 7692 7.2.2: append 00 00 ff ff and inflate what is left.
            deflate.finishMessage(inflated);
        }
        return finish(buffer == null ? new byte[0] : buffer, 0, size);
    }

    /** Forgets the message in progress (after its event, or when the connection fails or closes). */
    void reset() {
        opcode = null;
        compressed = false;
        size = 0;
        if (buffer != null && buffer.length > KEEP_BUFFER_LIMIT) {
            buffer = null;
        }
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
            buffer = null;
        } else {
            event = new Event.Binary(Arrays.copyOfRange(bytes, offset, offset + length));
        }
        reset();
        return event;
    }

    /** Takes the next inflated chunk: size limit and UTF-8 first, then the copy. */
    private void appendInflated(byte[] bytes, int offset, int length) throws ProtocolException {
        if ((long) size + length > maxMessageSize) {
            throw new ProtocolException(Violation.MESSAGE_TOO_BIG, "more than " + maxMessageSize + " bytes after inflating");
        }
        validate(bytes, offset, length);
        copy(bytes, offset, length);
    }

    private void validate(byte[] bytes, int offset, int length) throws ProtocolException {
        if (opcode == Opcode.TEXT && !utf8.feed(bytes, offset, length)) {
            throw new ProtocolException(Violation.INVALID_UTF8);
        }
    }

    private void copy(byte[] bytes, int offset, int length) {
        int needed = size + length;
        if (buffer == null || buffer.length < needed) {
            // Grow geometrically as bytes arrive (a peer that only announces a big frame gets no big
            // buffer), but never past the end of the current frame, which its header told us, nor
            // past the message limit for inflated data. So a message's buffer ends up exactly full and
            // becomes its event without another copy.
            int cap = compressed ? maxMessageSize : frameEnd;
            int grown = buffer == null ? INITIAL_CAPACITY : buffer.length * 2;
            int target = Math.max(needed, Math.min(cap, grown));
            buffer = buffer == null ? new byte[target] : Arrays.copyOf(buffer, target);
        }
        System.arraycopy(bytes, offset, buffer, size, length);
        size = needed;
    }
}
