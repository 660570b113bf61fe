package org.wsbyhand.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.Opcode;

/**
 * A message encoded once into an unmasked server frame, to be sent to many sessions without
 * encoding or copying it again: RFC 6455 section 5.1 has servers send unmasked frames, so the bytes
 * are the same for every recipient. Immutable and safe to share between threads; every
 * {@link Session#send(PreparedMessage)} queues the same bytes, read-only.
 *
 * <p>The whole message is one frame with FIN set (section 5.2), whatever its size.
 */
public final class PreparedMessage {
    private final boolean text;
    private final byte[] frame;
    private final int headerLength;

    private PreparedMessage(boolean text, byte[] payload) {
        this.text = text;
        this.headerLength = FrameEncoder.headerLength(payload.length, false);
        this.frame = FrameEncoder.encode(true, 0, text ? Opcode.TEXT : Opcode.BINARY, ByteBuffer.wrap(payload), false, 0);
    }

    /** A text message (encoded as UTF-8). */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary message; the bytes are copied once, into the frame. */
    public static PreparedMessage binary(byte[] data) {
        return new PreparedMessage(false, Objects.requireNonNull(data, "data"));
    }

    /** Whether this is a text message. */
    public boolean isText() {
        return text;
    }

    /** The payload (UTF-8 for text), read-only. */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(frame, headerLength, frame.length - headerLength).slice().asReadOnlyBuffer();
    }

    /** The whole encoded frame, header and payload, read-only. */
    public ByteBuffer frame() {
        return ByteBuffer.wrap(frame).asReadOnlyBuffer();
    }

    /** The encoded frame's length in bytes, which is what each recipient's outbound bound is charged. */
    public int frameLength() {
        return frame.length;
    }

    /**
     * A fresh writable view of the shared frame for the write path, so sockets can write straight
     * from the array. Never handed to application code; nothing writes through it.
     */
    ByteBuffer sharedFrame() {
        return ByteBuffer.wrap(frame);
    }
}
