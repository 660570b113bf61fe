package org.wsbyhand.protocol;

/**
 * Every way a peer can break RFC 6455 (or RFC 7692), each with the close code the connection fails
 * with. Tests and callers match on the constant, never on message text.
 */
public enum Violation {
    /** Section 5.2: RSV1-3 MUST be 0 unless an extension that defines them was negotiated. */
    RESERVED_BITS(CloseCode.PROTOCOL_ERROR, "reserved bits set without a negotiated extension"),
    /** Section 5.2: opcodes 3-7 and 0xB-0xF are reserved. */
    RESERVED_OPCODE(CloseCode.PROTOCOL_ERROR, "reserved opcode"),
    /** Section 5.5: control frames carry at most 125 payload bytes. */
    CONTROL_FRAME_TOO_LONG(CloseCode.PROTOCOL_ERROR, "control frame payload longer than 125 bytes"),
    /** Section 5.5: control frames MUST NOT be fragmented. */
    FRAGMENTED_CONTROL_FRAME(CloseCode.PROTOCOL_ERROR, "fragmented control frame"),
    /** Section 5.1: a server MUST close the connection on an unmasked client frame. */
    UNMASKED_CLIENT_FRAME(CloseCode.PROTOCOL_ERROR, "client frame not masked"),
    /** Section 5.1: a client MUST close the connection on a masked server frame. */
    MASKED_SERVER_FRAME(CloseCode.PROTOCOL_ERROR, "server frame masked"),
    /** Section 5.2: the most significant bit of a 64-bit payload length MUST be 0. */
    LENGTH_OUT_OF_RANGE(CloseCode.PROTOCOL_ERROR, "64-bit payload length with the most significant bit set"),
    /** Section 5.4: a continuation frame with no fragmented message in progress. */
    UNEXPECTED_CONTINUATION(CloseCode.PROTOCOL_ERROR, "continuation frame without a message to continue"),
    /** Section 5.4: a new data message started before the fragmented one in progress finished. */
    EXPECTED_CONTINUATION(CloseCode.PROTOCOL_ERROR, "new data frame while a fragmented message is in progress"),
    /** Section 5.5.1: a close payload is empty or at least 2 bytes (a status code). */
    CLOSE_PAYLOAD_TOO_SHORT(CloseCode.PROTOCOL_ERROR, "close frame payload of 1 byte"),
    /** Section 7.4: the close frame's status code is reserved or undefined. */
    INVALID_CLOSE_CODE(CloseCode.PROTOCOL_ERROR, "invalid close code"),
    /** Section 5.5.1: a close reason is UTF-8. */
    INVALID_CLOSE_REASON(CloseCode.INVALID_FRAME_PAYLOAD_DATA, "close reason is not valid UTF-8"),
    /** Sections 5.6 and 8.1: a text message's payload is UTF-8. */
    INVALID_UTF8(CloseCode.INVALID_FRAME_PAYLOAD_DATA, "text message is not valid UTF-8"),
    /** A frame's payload is longer than {@link Limits#maxFrameSize()}. */
    FRAME_TOO_BIG(CloseCode.MESSAGE_TOO_BIG, "frame larger than the frame size limit"),
    /** A message (after decompression) is longer than {@link Limits#maxMessageSize()}. */
    MESSAGE_TOO_BIG(CloseCode.MESSAGE_TOO_BIG, "message larger than the message size limit"),
    /** A message is split into more frames than {@link Limits#maxFragments()}. */
    TOO_MANY_FRAGMENTS(CloseCode.MESSAGE_TOO_BIG, "message split into more frames than the fragment limit"),
    /**
     * Reassembling the message needs memory that the connection's {@link MemoryBudget} refused: not
     * a broken rule but an overloaded receiver, hence 1013 (Try Again Later, IANA registry).
     */
    MEMORY_BUDGET_EXCEEDED(CloseCode.TRY_AGAIN_LATER, "no memory left in the budget to receive this message"),
    /** RFC 7692 section 6.1: RSV1 marks only the first frame of a compressed message. */
    COMPRESSED_CONTINUATION(CloseCode.PROTOCOL_ERROR, "RSV1 set on a continuation frame"),
    /** RFC 7692 section 6.2: the compressed payload could not be inflated. */
    INVALID_COMPRESSED_DATA(CloseCode.INVALID_FRAME_PAYLOAD_DATA, "compressed payload is not valid DEFLATE data");

    private final CloseCode closeCode;
    private final String description;

    Violation(CloseCode closeCode, String description) {
        this.closeCode = closeCode;
        this.description = description;
    }

    /**
     * The close code a connection fails with on this violation.
     *
     * @return the close code
     */
    public CloseCode closeCode() {
        return closeCode;
    }

    /**
     * A short, human-readable statement of the rule that was broken.
     *
     * @return the description
     */
    public String description() {
        return description;
    }
}
