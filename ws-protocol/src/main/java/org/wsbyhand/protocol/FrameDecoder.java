package org.wsbyhand.protocol;

import java.nio.ByteBuffer;

/**
 * A resumable decoder of the frames one peer sends (RFC 6455 section 5.2). It accepts input in any
 * chunking, a frame split over many buffers or many frames in one, and hands the unmasked payload
 * to a {@link FrameSink} as it arrives, so it never buffers a payload itself: its own memory is a
 * 14-byte header buffer. Short input means "call again with more", never an exception.
 *
 * <p>Framing rules enforced, each as its own {@link Violation}: reserved bits only when allowed by
 * a negotiated extension, no reserved opcodes, control frames final and at most 125 bytes, client
 * frames masked and server frames unmasked, the 64-bit length's top bit clear, and the configured
 * frame size limit, checked as soon as the length is known. Message-level rules (fragment order,
 * UTF-8, message size) belong to {@link Connection}.
 *
 * <p>For speed, payload bytes in an array-backed, writable input buffer are unmasked in place.
 */
public final class FrameDecoder {

    private static final int MAX_HEADER = 14;
    private static final int SCRATCH_SIZE = 8192;

    private final boolean expectMasked;
    private final int maxFrameSize;
    private int allowedRsv;

    private final byte[] header = new byte[MAX_HEADER];
    private int headerHave;
    private int headerNeed = 2;

    private boolean inPayload;
    private long remaining;
    private boolean masked;
    private int maskKey;
    private int maskOffset;
    private byte[] scratch;

    /**
     * A decoder of the frames sent by the peer of {@code role}.
     *
     * @param role         this side's role: a server decodes (masked) client frames
     * @param maxFrameSize the largest payload accepted; longer frames fail with
     *     {@link Violation#FRAME_TOO_BIG}
     */
    public FrameDecoder(Role role, int maxFrameSize) {
        if (maxFrameSize <= 0) {
            throw new IllegalArgumentException("maxFrameSize must be positive, was " + maxFrameSize);
        }
        this.expectMasked = role == Role.SERVER;
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Allows the reserved bits in {@code rsvMask} (e.g. {@link Frame#RSV1} for permessage-deflate).
     *
     * @param rsvMask the reserved bits to allow, e.g. {@link Frame#RSV1}
     */
    public void allowReservedBits(int rsvMask) {
        this.allowedRsv = rsvMask & 7;
    }

    /**
     * Whether the decoder is between frames (no partial header or payload pending).
     *
     * @return {@code true} when no partial frame is pending
     */
    public boolean isAtFrameBoundary() {
        return !inPayload && headerHave == 0;
    }

    /**
     * Decodes as much of {@code in} as possible, advancing its position.
     *
     * @param in the bytes read from the transport
     * @param sink receives each frame's header, payload chunks and end
     * @throws ProtocolException when a frame breaks the framing rules, or the sink fails the connection
     * @return false when the sink asked to stop (the buffer may have bytes left), true when all
     *     input was consumed
     */
    public boolean decode(ByteBuffer in, FrameSink sink) throws ProtocolException {
        while (true) {
            if (inPayload) {
                if (remaining > 0) {
                    if (!in.hasRemaining()) {
                        return true;
                    }
                    deliverPayload(in, sink);
                    if (remaining > 0) {
                        return true;
                    }
                }
                inPayload = false;
                if (!sink.frameEnd()) {
                    return false;
                }
            }
            if (!in.hasRemaining()) {
                return true;
            }
            if (!readHeader(in, sink)) {
                return true;
            }
        }
    }

    private boolean readHeader(ByteBuffer in, FrameSink sink) throws ProtocolException {
        while (headerHave < headerNeed) {
            int n = Math.min(headerNeed - headerHave, in.remaining());
            if (n == 0) {
                return false;
            }
            in.get(header, headerHave, n);
            headerHave += n;
            if (headerHave == 2) {
                headerNeed = checkFirstTwoBytes();
            }
        }
        int b0 = header[0];
        int b1 = header[1];
        int len7 = b1 & 0x7F;
        int pos = 2;
        long length;
        if (len7 == 126) {
            length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            pos = 4;
        } else if (len7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                reset();
                throw new ProtocolException(Violation.LENGTH_OUT_OF_RANGE);
            }
            pos = 10;
        } else {
            length = len7;
        }
        if (length > maxFrameSize) {
            reset();
            throw new ProtocolException(Violation.FRAME_TOO_BIG, length + " > " + maxFrameSize + " bytes");
        }
        masked = (b1 & 0x80) != 0;
        if (masked) {
            maskKey = ((header[pos] & 0xFF) << 24) | ((header[pos + 1] & 0xFF) << 16)
                    | ((header[pos + 2] & 0xFF) << 8) | (header[pos + 3] & 0xFF);
        }
        maskOffset = 0;
        remaining = length;
        headerHave = 0;
        headerNeed = 2;
        inPayload = true;
        sink.frameStart((b0 & 0x80) != 0, (b0 >> 4) & 7, Opcode.of(b0 & 0x0F), length);
        return true;
    }

    /** Applies every rule the first two bytes decide, and returns the header's total length. */
    private int checkFirstTwoBytes() throws ProtocolException {
        int b0 = header[0] & 0xFF;
        int b1 = header[1] & 0xFF;
        Opcode opcode = Opcode.of(b0 & 0x0F);
        if (opcode == null) {
            reset();
            throw new ProtocolException(Violation.RESERVED_OPCODE, "opcode 0x" + Integer.toHexString(b0 & 0x0F));
        }
        int rsv = (b0 >> 4) & 7;
        if ((rsv & ~allowedRsv) != 0) {
            reset();
            throw new ProtocolException(Violation.RESERVED_BITS, "rsv=" + rsv);
        }
        int len7 = b1 & 0x7F;
        if (opcode.isControl()) {
            // RFC 6455 5.5: control frames MUST NOT be fragmented and carry at most 125 bytes.
            if ((b0 & 0x80) == 0) {
                reset();
                throw new ProtocolException(Violation.FRAGMENTED_CONTROL_FRAME, opcode.name());
            }
            if (len7 > 125) {
                reset();
                throw new ProtocolException(Violation.CONTROL_FRAME_TOO_LONG, opcode.name());
            }
        }
        boolean isMasked = (b1 & 0x80) != 0;
        if (isMasked != expectMasked) {
            reset();
            throw new ProtocolException(expectMasked ? Violation.UNMASKED_CLIENT_FRAME : Violation.MASKED_SERVER_FRAME);
        }
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        return 2 + extended + (isMasked ? 4 : 0);
    }

    private void deliverPayload(ByteBuffer in, FrameSink sink) throws ProtocolException {
        int n = (int) Math.min(remaining, in.remaining());
        if (in.hasArray() && !in.isReadOnly()) {
            byte[] array = in.array();
            int offset = in.arrayOffset() + in.position();
            if (masked) {
                maskOffset = Masking.mask(array, offset, n, maskKey, maskOffset);
            }
            in.position(in.position() + n);
            remaining -= n;
            sink.framePayload(array, offset, n);
            return;
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH_SIZE];
        }
        while (n > 0) {
            int chunk = Math.min(n, scratch.length);
            in.get(scratch, 0, chunk);
            if (masked) {
                maskOffset = Masking.mask(scratch, 0, chunk, maskKey, maskOffset);
            }
            remaining -= chunk;
            n -= chunk;
            sink.framePayload(scratch, 0, chunk);
        }
    }

    private void reset() {
        headerHave = 0;
        headerNeed = 2;
        inPayload = false;
    }
}
