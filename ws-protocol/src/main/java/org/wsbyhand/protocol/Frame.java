package org.wsbyhand.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One WebSocket frame as the application sees it (RFC 6455 section 5.2), without wire details:
 * the mask key and the length encoding belong to {@link FrameEncoder} and {@link FrameDecoder}.
 * The payload array is copied in and out, so a frame can be shared freely.
 *
 * @param fin     whether this is the final fragment of its message
 * @param rsv     the three reserved bits as a number 0-7 (RSV1 = 4, RSV2 = 2, RSV3 = 1)
 * @param opcode  the frame's opcode
 * @param payload the unmasked payload
 */
public record Frame(boolean fin, int rsv, Opcode opcode, byte[] payload) {

    /** RSV1, which permessage-deflate uses to mark a compressed message (RFC 7692 section 6). */
    public static final int RSV1 = 4;

    /** Validates the reserved bits and copies the payload. */
    public Frame {
        if (rsv < 0 || rsv > 7) {
            throw new IllegalArgumentException("rsv must be 0-7, was " + rsv);
        }
        if (opcode == null) {
            throw new IllegalArgumentException("opcode is required");
        }
        payload = payload.clone();
    }

    /**
     * A final frame without reserved bits.
     *
     * @param opcode the frame's opcode
     * @param payload the frame's payload
     * @return the frame
     */
    public static Frame of(Opcode opcode, byte[] payload) {
        return new Frame(true, 0, opcode, payload);
    }

    /**
     * A copy of the payload.
     *
     * @return a new array holding the payload
     */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The payload length.
     *
     * @return the payload length in bytes
     */
    public int length() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Frame that && fin == that.fin && rsv == that.rsv && opcode == that.opcode
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fin, rsv, opcode) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        String bytes = payload.length <= 16 ? HexFormat.of().formatHex(payload) : payload.length + " bytes";
        return "Frame[" + opcode + (fin ? " fin" : "") + (rsv != 0 ? " rsv=" + rsv : "") + " " + bytes + "]";
    }
}
