package org.wsbyhand.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.wsbyhand.session.core.PreparedFrames;
import org.wsbyhand.protocol.Frame;
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * A message encoded once into an unmasked server frame, to be sent to many sessions without
 * encoding or copying it again: RFC 6455 section 5.1 has servers send unmasked frames, so the bytes
 * are the same for every recipient. Immutable and safe to share between threads; every
 * {@link Session#send(PreparedMessage)} queues the same bytes, read-only.
 *
 * <p>The whole message is one frame with FIN set (section 5.2), whatever its size.
 *
 * <p>For sessions that negotiated permessage-deflate (RFC 7692) the message is also compressed,
 * once, on the first send to such a session: without LZ77 context, so the same compressed frame
 * is valid for every one of them (see {@link Session#send(PreparedMessage)}).
 */
public final class PreparedMessage {
    private final boolean text;
    private final byte[] frame;
    private final int headerLength;
    private final ReentrantLock compressing = new ReentrantLock();
    private volatile PreparedFrames.Compressed compressed;

    static {
        PreparedFrames.register(new PreparedFrames.Access() {
            @Override
            public ByteBuffer sharedFrame(PreparedMessage message) {
                return message.sharedFrame();
            }

            @Override
            public PreparedFrames.Compressed compressed(PreparedMessage message, int level, int windowBits) {
                return message.compressedFrame(level, windowBits);
            }
        });
    }

    private PreparedMessage(boolean text, byte[] payload) {
        this.text = text;
        this.headerLength = FrameEncoder.headerLength(payload.length, false);
        this.frame = FrameEncoder.encode(true, 0, text ? Opcode.TEXT : Opcode.BINARY, ByteBuffer.wrap(payload), false, 0);
    }

    /**
     * A text message (encoded as UTF-8).
     *
     * @param text the message text
     * @return the prepared message
     */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(true, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A binary message; the bytes are copied once, into the frame.
     *
     * @param data the message payload
     * @return the prepared message
     */
    public static PreparedMessage binary(byte[] data) {
        return new PreparedMessage(false, Objects.requireNonNull(data, "data"));
    }

    /**
     * Whether this is a text message.
     *
     * @return {@code true} for a text message, {@code false} for a binary one
     */
    public boolean isText() {
        return text;
    }

    /**
     * The payload (UTF-8 for text), read-only.
     *
     * @return a read-only view of the payload
     */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(frame, headerLength, frame.length - headerLength).slice().asReadOnlyBuffer();
    }

    /**
     * The whole encoded frame, header and payload, read-only.
     *
     * @return a read-only view of the frame
     */
    public ByteBuffer frame() {
        return ByteBuffer.wrap(frame).asReadOnlyBuffer();
    }

    /**
     * The encoded frame's length in bytes, which is what each recipient's outbound bound is charged.
     *
     * @return the frame length in bytes
     */
    public int frameLength() {
        return frame.length;
    }

    /**
     * The payload length in bytes (UTF-8 for text).
     *
     * @return the payload length in bytes
     */
    public int payloadLength() {
        return frame.length - headerLength;
    }

    /** {@link #compressedFrame(int, int)} with a 15-bit window, the protocol's default. */
    PreparedFrames.Compressed compressedFrame(int level) {
        return compressedFrame(level, 15);
    }

    /**
     * The message compressed without context at {@code level} within a window of
     * {@code windowBits}, computed once and shared by every compressing session (a server has one
     * level and usually one window; another combination recomputes).
     */
    PreparedFrames.Compressed compressedFrame(int level, int windowBits) {
        PreparedFrames.Compressed current = compressed;
        if (current != null && current.level() == level && current.windowBits() == windowBits) {
            return current;
        }
        compressing.lock();
        try {
            current = compressed;
            if (current == null || current.level() != level || current.windowBits() != windowBits) {
                byte[] payload = PerMessageDeflate.compressWithoutContext(
                        ByteBuffer.wrap(frame, headerLength, frame.length - headerLength), level, windowBits);
                byte[] encoded = FrameEncoder.encode(true, Frame.RSV1, text ? Opcode.TEXT : Opcode.BINARY,
                        ByteBuffer.wrap(payload), false, 0);
                current = new PreparedFrames.Compressed(level, windowBits, encoded, payload.length);
                compressed = current;
            }
            return current;
        } finally {
            compressing.unlock();
        }
    }

    /**
     * A fresh writable view of the shared frame for the write path, so sockets can write straight
     * from the array. Never handed to application code; nothing writes through it.
     */
    ByteBuffer sharedFrame() {
        return ByteBuffer.wrap(frame);
    }
}
