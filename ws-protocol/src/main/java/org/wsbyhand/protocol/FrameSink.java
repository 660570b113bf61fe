package org.wsbyhand.protocol;

/**
 * Receives what a {@link FrameDecoder} decodes, as it arrives: a header, the unmasked payload in
 * one or more chunks, the end of the frame. A sink that throws {@link ProtocolException} stops the
 * decoding; the decoder is then unusable.
 */
public interface FrameSink {

    /**
     * A frame header was read and passed the framing rules; {@code length} bytes of payload follow.
     *
     * @param fin whether the frame is the final one of its message
     * @param rsv the frame's reserved bits, 0-7 (RSV1 = 4)
     * @param opcode the frame's opcode
     * @param length the frame's payload length in bytes
     * @throws ProtocolException to fail the connection, e.g. when the frame breaks a message-level rule
     */
    void frameStart(boolean fin, int rsv, Opcode opcode, long length) throws ProtocolException;

    /**
     * The next chunk of the current frame's payload, already unmasked: {@code length} bytes of
     * {@code bytes} from {@code offset}. The bytes are valid only during the call.
     *
     * @param bytes the array holding the chunk
     * @param offset the index of the chunk's first byte in {@code bytes}
     * @param length the number of bytes in the chunk
     * @throws ProtocolException to fail the connection, e.g. on invalid UTF-8 or a message over its limit
     */
    void framePayload(byte[] bytes, int offset, int length) throws ProtocolException;

    /**
     * The current frame is complete.
     *
     * @throws ProtocolException to fail the connection, e.g. on a malformed close payload
     * @return true to go on decoding the input, false to stop after this frame (e.g. after a close)
     */
    boolean frameEnd() throws ProtocolException;
}
