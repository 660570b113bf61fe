package org.wsbyhand.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The payload of a close frame (RFC 6455 section 5.5.1): empty, or a 2-byte status code followed
 * by a UTF-8 reason, at most 125 bytes in all.
 *
 * @param code   the status code, {@link CloseCode#NO_STATUS_RECEIVED} for an empty payload
 * @param reason the reason, empty when none
 */
public record ClosePayload(CloseCode code, String reason) {

    /** The longest reason that fits a control frame: 125 bytes less the status code. */
    public static final int MAX_REASON_BYTES = 123;

    /**
     * Parses a received close payload.
     *
     * @param payload the array holding the close frame's payload
     * @param length the number of payload bytes in {@code payload}
     * @return the close code and reason; {@link CloseCode#NO_STATUS_RECEIVED} for an empty payload
     * @throws ProtocolException on a 1-byte payload, a code that is not valid on the wire, or a
     *     reason that is not UTF-8
     */
    public static ClosePayload parse(byte[] payload, int length) throws ProtocolException {
        if (length == 0) {
            return new ClosePayload(CloseCode.NO_STATUS_RECEIVED, "");
        }
        if (length == 1) {
            throw new ProtocolException(Violation.CLOSE_PAYLOAD_TOO_SHORT);
        }
        CloseCode code = CloseCode.of(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
        if (!code.isValidOnWire()) {
            throw new ProtocolException(Violation.INVALID_CLOSE_CODE, String.valueOf(code.code()));
        }
        if (!Utf8Validator.isValid(payload, 2, length - 2)) {
            throw new ProtocolException(Violation.INVALID_CLOSE_REASON);
        }
        return new ClosePayload(code, new String(payload, 2, length - 2, StandardCharsets.UTF_8));
    }

    /**
     * The bytes of a close payload to send: empty for {@link CloseCode#NO_STATUS_RECEIVED}, else the
     * code and the reason.
     *
     * @return a new buffer holding the payload
     * @throws IllegalArgumentException when the code may not be sent or the reason is longer than
     *     {@link #MAX_REASON_BYTES} UTF-8 bytes
     */
    public static ByteBuffer encode(CloseCode code, String reason) {
        if (code.equals(CloseCode.NO_STATUS_RECEIVED)) {
            if (reason != null && !reason.isEmpty()) {
                throw new IllegalArgumentException("a close frame without a status code carries no reason");
            }
            return ByteBuffer.allocate(0);
        }
        if (!code.isValidOnWire()) {
            throw new IllegalArgumentException("close code " + code + " may not be sent in a close frame");
        }
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason is " + text.length + " UTF-8 bytes, at most "
                    + MAX_REASON_BYTES + " fit in a close frame");
        }
        ByteBuffer payload = ByteBuffer.allocate(2 + text.length);
        payload.putShort((short) code.code()).put(text).flip();
        return payload;
    }
}
