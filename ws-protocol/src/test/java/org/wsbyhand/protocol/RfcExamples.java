package org.wsbyhand.protocol;

import static org.wsbyhand.protocol.Wire.concat;
import static org.wsbyhand.protocol.Wire.counting;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.charset.StandardCharsets;

/** The example frames of RFC 6455 section 5.7, byte for byte. */
final class RfcExamples {

    private RfcExamples() {}

    /** The masking key of the section's masked examples: 37 fa 21 3d. */
    static final int MASK_KEY = 0x37fa213d;

    static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    /** A single-frame unmasked text message "Hello" (server to client). */
    static final byte[] UNMASKED_TEXT = hex("81 05 48 65 6c 6c 6f");

    /** A single-frame masked text message "Hello" (client to server). */
    static final byte[] MASKED_TEXT = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");

    /** The first fragment "Hel" of an unmasked text message. */
    static final byte[] FRAGMENT_HEL = hex("01 03 48 65 6c");

    /** The final fragment "lo" of that message. */
    static final byte[] FRAGMENT_LO = hex("80 02 6c 6f");

    /** An unmasked ping "Hello" (server to client). */
    static final byte[] UNMASKED_PING = hex("89 05 48 65 6c 6c 6f");

    /** The masked pong "Hello" answering it (client to server). */
    static final byte[] MASKED_PONG = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");

    /** The payload of the 256-byte binary example (the RFC leaves the bytes open; these count up). */
    static final byte[] PAYLOAD_256 = counting(256);

    /** 256 bytes of binary data in a single unmasked frame: 126 and a 16-bit length. */
    static final byte[] BINARY_256 = concat(hex("82 7e 01 00"), PAYLOAD_256);

    /** The payload of the 64 KiB binary example. */
    static final byte[] PAYLOAD_65536 = counting(65536);

    /** 64 KiB of binary data in a single unmasked frame: 127 and a 64-bit length. */
    static final byte[] BINARY_65536 = concat(hex("82 7f 00 00 00 00 00 01 00 00"), PAYLOAD_65536);
}
