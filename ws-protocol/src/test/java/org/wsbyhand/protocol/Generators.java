package org.wsbyhand.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators shared by the property classes. */
final class Generators {

    private Generators() {}

    /**
     * Payload sizes for data frames that hit the length-encoding edges often: 0, 125/126/127,
     * 65535/65536/65537, and values around them, plus small arbitrary sizes.
     */
    static Arbitrary<Integer> dataFrameSizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 1, 125, 126, 127, 65535, 65536, 65537)),
                Tuple.of(3, Arbitraries.integers().between(0, 300)),
                Tuple.of(1, Arbitraries.integers().between(120, 131)),
                Tuple.of(1, Arbitraries.integers().between(65530, 65541)));
    }

    /** Sizes for control frames: 0 to 125, with the edges. */
    static Arbitrary<Integer> controlFrameSizes() {
        return Arbitraries.integers().between(0, 125).edgeCases(c -> c.includeOnly(0, 1, 124, 125));
    }

    /**
     * Any frame an endpoint may send: every opcode, fin only on data frames, any reserved bits, a
     * payload size from {@link #dataFrameSizes()} or {@link #controlFrameSizes()} filled from a seed.
     */
    static Arbitrary<Frame> frames() {
        Arbitrary<Opcode> opcodes = Arbitraries.of(Opcode.class);
        return opcodes.flatMap(opcode -> Combinators.combine(
                opcode.isControl() ? Arbitraries.just(true) : Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 7),
                opcode.isControl() ? controlFrameSizes() : dataFrameSizes(),
                Arbitraries.longs())
                .as((fin, rsv, size, seed) -> new Frame(fin, rsv, opcode, Wire.randomBytes(size, seed))));
    }

    /** Smaller frames for streams of many: payloads up to 300 bytes, with the 125/126 edge. */
    static Arbitrary<Frame> smallFrames() {
        Arbitrary<Opcode> opcodes = Arbitraries.of(Opcode.class);
        return opcodes.flatMap(opcode -> Combinators.combine(
                opcode.isControl() ? Arbitraries.just(true) : Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 7),
                opcode.isControl() ? controlFrameSizes() : Arbitraries.integers().between(0, 300)
                        .edgeCases(c -> c.includeOnly(0, 125, 126, 300)),
                Arbitraries.longs())
                .as((fin, rsv, size, seed) -> new Frame(fin, rsv, opcode, Wire.randomBytes(size, seed))));
    }

    /**
     * Text that stresses UTF-8: code points from every encoding length (1 to 4 bytes), never a lone
     * surrogate, so the string round-trips through its UTF-8 bytes.
     */
    static Arbitrary<String> unicodeText() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMaxSize(60).map(cps -> {
            StringBuilder text = new StringBuilder();
            cps.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    /**
     * Hostile input for a connection of {@code role}: frames with mostly plausible headers (valid
     * opcodes, fin, no reserved bits, the right masking) and every now and then a reserved opcode,
     * reserved bits, the wrong masking, a size over a 1000-byte limit, or random garbage between them.
     */
    static Arbitrary<byte[]> hostilePieces(Role role) {
        Arbitrary<Integer> opcodes = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.of(0x0, 0x1, 0x2, 0x9, 0xA)),
                Tuple.of(1, Arbitraries.just(0x8)),
                Tuple.of(1, Arbitraries.integers().between(0, 15))).withoutEdgeCases();
        Arbitrary<Boolean> fins = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(true)), Tuple.of(1, Arbitraries.just(false)));
        Arbitrary<Integer> rsvs = Arbitraries.frequencyOf(Tuple.of(60, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 7))).withoutEdgeCases();
        Arbitrary<Boolean> rightMasking = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just(true)),
                Tuple.of(1, Arbitraries.just(false))).withoutEdgeCases();
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 40)),
                Tuple.of(2, Arbitraries.integers().between(120, 130)),
                Tuple.of(2, Arbitraries.integers().between(990, 1010)),
                Tuple.of(1, Arbitraries.of(65535, 65536, 1 << 20)));
        Arbitrary<Boolean> asciiPayload = Arbitraries.of(true, false);
        Arbitrary<Boolean> truncated = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just(false)),
                Tuple.of(1, Arbitraries.just(true))).withoutEdgeCases();
        Arbitrary<byte[]> frame = Combinators.combine(opcodes, fins, rsvs, rightMasking, lengths, asciiPayload,
                truncated, Arbitraries.longs()).as((opcode, fin, rsv, right, length, ascii, cut, seed) -> {
                    boolean masked = right == (role == Role.SERVER);
                    // Declare the length, but carry at most 1100 bytes of it, and now and then only
                    // part of it: the rest of the frame is then made of what follows.
                    int carried = Math.min(length, 1100);
                    byte[] payload = Wire.randomBytes(cut ? (int) Math.floorMod(seed, carried + 1) : carried, seed);
                    if (ascii) {
                        for (int i = 0; i < payload.length; i++) {
                            payload[i] = (byte) ('a' + (payload[i] & 15));
                        }
                    }
                    byte[] header = new byte[FrameEncoder.MAX_HEADER_LENGTH];
                    int key = seed.intValue();
                    int headerLength = FrameEncoder.writeHeader(header, 0, fin, rsv, Opcode.BINARY, length, masked, key);
                    header[0] = (byte) ((header[0] & 0xF0) | opcode);
                    if (masked) {
                        Masking.mask(payload, 0, payload.length, key, 0);
                    }
                    return Wire.concat(java.util.Arrays.copyOf(header, headerLength), payload);
                });
        Arbitrary<byte[]> validClose = Arbitraries.of(1000, 1001, 4000).map(code -> Peer.wire(role,
                Frame.of(Opcode.CLOSE, ByteBuffer.allocate(2).putShort((short) (int) code).array())));
        Arbitrary<byte[]> validText = unicodeText().map(text -> Peer.wire(role,
                Frame.of(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8))));
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16);
        return Arbitraries.frequencyOf(Tuple.of(40, frame), Tuple.of(10, validText), Tuple.of(2, validClose),
                Tuple.of(1, garbage));
    }
}
