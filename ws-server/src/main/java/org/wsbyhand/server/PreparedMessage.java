package org.wsbyhand.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message encoded once into an unmasked server frame, to be sent to many sessions without
 * encoding or copying it again (RFC 6455 server frames are identical for every recipient).
 * Sessions that negotiated compression encode it for themselves.
 */
public final class PreparedMessage {
    // Implemented in ws-server: holds the opcode, the payload and the encoded frame bytes (read-only).
    private final boolean text;
    private final ByteBuffer payload;

    private PreparedMessage(boolean text, ByteBuffer payload) {
        this.text = text;
        this.payload = payload.asReadOnlyBuffer();
    }

    /** A text message. */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A binary message; the array must not change afterwards. */
    public static PreparedMessage binary(byte[] data) {
        return new PreparedMessage(false, ByteBuffer.wrap(data));
    }

    /** Whether this is a text message. */
    public boolean isText() {
        return text;
    }

    /** The unencoded payload, read-only. */
    public ByteBuffer payload() {
        return payload.duplicate();
    }
}
