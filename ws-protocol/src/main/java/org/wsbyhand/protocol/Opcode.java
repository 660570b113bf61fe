package org.wsbyhand.protocol;

/**
 * The frame opcodes RFC 6455 section 5.2 defines. Reserved opcodes (3-7, 0xB-0xF) have no constant:
 * {@link #of(int)} returns {@code null} for them and the decoder rejects them.
 */
public enum Opcode {
    /** 0x0: a later frame of a fragmented message. */
    CONTINUATION(0x0),
    /** 0x1: the first frame of a text message (UTF-8 payload). */
    TEXT(0x1),
    /** 0x2: the first frame of a binary message. */
    BINARY(0x2),
    /** 0x8: the closing handshake (section 5.5.1). */
    CLOSE(0x8),
    /** 0x9: a ping, which the receiver answers with a pong (section 5.5.2). */
    PING(0x9),
    /** 0xA: a pong (section 5.5.3). */
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /**
     * The 4-bit value on the wire.
     *
     * @return the opcode's value, 0 to 15
     */
    public int code() {
        return code;
    }

    /**
     * True for close, ping and pong: at most 125 payload bytes and never fragmented (section 5.5).
     *
     * @return {@code true} for a control opcode
     */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /**
     * The opcode for a 4-bit wire value, or {@code null} when the value is reserved.
     *
     * @param code the 4-bit opcode value
     * @return the opcode, or {@code null}
     */
    public static Opcode of(int code) {
        return code >= 0 && code < 16 ? BY_CODE[code] : null;
    }
}
