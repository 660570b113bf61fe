package org.wsbyhand.protocol;

/**
 * Receives what a {@link FrameDecoder} decodes, as it arrives: a header, the unmasked payload in
 * one or more chunks, the end of the frame. A sink that throws {@link ProtocolException} stops the
 * decoding; the decoder is then unusable.
 */
public interface FrameSink {

    /** A frame header was read and passed the framing rules; {@code length} bytes of payload follow. */
    void frameStart(boolean fin, int rsv, Opcode opcode, long length) throws ProtocolException;

    /**
     * The next chunk of the current frame's payload, already unmasked: {@code length} bytes of
     * {@code bytes} from {@code offset}. The bytes are valid only during the call.
     */
    void framePayload(byte[] bytes, int offset, int length) throws ProtocolException;

    /**
     * The current frame is complete.
     *
     * @return true to go on decoding the input, false to stop after this frame (e.g. after a close)
     */
    boolean frameEnd() throws ProtocolException;
}
