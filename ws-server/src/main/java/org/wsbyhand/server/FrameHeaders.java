package org.wsbyhand.server;

/**
 * Unmasked server frame headers for {@link PreparedMessage} (RFC 6455 section 5.2). Interim: to be
 * replaced by the protocol module's frame encoder once it is published.
 */
final class FrameHeaders {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;

    private FrameHeaders() {}

    /** Header bytes for a payload of this length: the minimal length encoding of section 5.2. */
    static int headerLength(long payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Writes FIN + opcode, MASK = 0 and the minimal length encoding at the start of {@code out}. */
    static void writeServerHeader(byte[] out, int opcode, long payloadLength) {
        out[0] = (byte) (0x80 | opcode);
        if (payloadLength <= 125) {
            out[1] = (byte) payloadLength;
        } else if (payloadLength <= 0xFFFF) {
            out[1] = 126;
            out[2] = (byte) (payloadLength >>> 8);
            out[3] = (byte) payloadLength;
        } else {
            out[1] = 127;
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (payloadLength >>> (56 - 8 * i));
            }
        }
    }
}
