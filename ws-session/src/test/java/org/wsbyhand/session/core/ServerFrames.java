package org.wsbyhand.session.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Decodes what a server wrote: unmasked frames (RFC 6455 5.2), written independently of the protocol module. */
final class ServerFrames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private ServerFrames() {}

    /** One frame as the server wrote it. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            if (opcode != CLOSE) {
                throw new AssertionError("not a close frame: " + this);
            }
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        /** A readable, comparable form: "text hello", "close 1000", "ping 0000000000000001". */
        String describe() {
            return switch (opcode) {
                case TEXT -> "text " + text();
                case BINARY -> "binary " + HexFormat.of().formatHex(payload);
                case CLOSE -> "close " + closeCode() + (closeReason().isEmpty() ? "" : " " + closeReason());
                case PING -> "ping " + HexFormat.of().formatHex(payload);
                case PONG -> "pong " + HexFormat.of().formatHex(payload);
                default -> "opcode " + opcode + " " + HexFormat.of().formatHex(payload);
            };
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** The complete frames in {@code bytes}; an incomplete frame at the end is left out. */
    static List<Frame> decode(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 2) {
            int start = in.position();
            int b0 = in.get() & 0xFF;
            int b1 = in.get() & 0xFF;
            if ((b1 & 0x80) != 0) {
                throw new AssertionError("a server frame must not be masked (RFC 6455 5.1), at byte " + start);
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                if (in.remaining() < 2) {
                    break;
                }
                length = in.getShort() & 0xFFFF;
            } else if (length == 127) {
                if (in.remaining() < 8) {
                    break;
                }
                length = in.getLong();
            }
            if (in.remaining() < length) {
                break;
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            frames.add(new Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0F, payload));
        }
        return frames;
    }

    static List<String> describe(List<Frame> frames) {
        return frames.stream().map(Frame::describe).toList();
    }
}
