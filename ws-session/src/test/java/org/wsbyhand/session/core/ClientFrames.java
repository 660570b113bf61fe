package org.wsbyhand.session.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds the masked frames a client sends (RFC 6455 5.2, 5.3), independently of the protocol module. */
final class ClientFrames {
    static final byte[] KEY = {0x12, 0x34, 0x56, 0x78};

    private ClientFrames() {}

    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (opcode & 0x0F));
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            throw new IllegalArgumentException("payload too long for this helper");
        }
        out.write(KEY, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ KEY[i % 4]);
        }
        return out.toByteArray();
    }

    static byte[] text(String text) {
        return frame(true, ServerFrames.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] binary(byte[] data) {
        return frame(true, ServerFrames.BINARY, data);
    }

    static byte[] ping(byte[] payload) {
        return frame(true, ServerFrames.PING, payload);
    }

    static byte[] pong(byte[] payload) {
        return frame(true, ServerFrames.PONG, payload);
    }

    static byte[] close(int code, String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + utf8.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(utf8, 0, payload, 2, utf8.length);
        return frame(true, ServerFrames.CLOSE, payload);
    }

    /** The frames one after the other, as one chunk (one read). */
    static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            out.write(frame, 0, frame.length);
        }
        return out.toByteArray();
    }
}
