package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class FrameEncoderProperties {

    @Provide
    Arbitrary<Frame> frames() {
        return Generators.frames();
    }

    @Property(tries = 400)
    void anyFrameEncodedByAServerDecodesToItselfAtTheClient(@ForAll("frames") Frame frame) throws ProtocolException {
        byte[] wire = FrameEncoder.encode(frame);
        assertRoundTrip(frame, wire, Role.CLIENT, false);
    }

    @Property(tries = 400)
    void anyFrameEncodedByAClientDecodesToItselfAtTheServer(@ForAll("frames") Frame frame, @ForAll int maskKey)
            throws ProtocolException {
        byte[] wire = FrameEncoder.encodeMasked(frame, maskKey);
        assertRoundTrip(frame, wire, Role.SERVER, true);
    }

    private static void assertRoundTrip(Frame frame, byte[] wire, Role decoderRole, boolean masked) throws ProtocolException {
        Statistics.label("length encoding").collect(frame.length() <= 125 ? "7-bit" : frame.length() <= 65535 ? "16-bit" : "64-bit");
        // The header is the shortest that can hold the length.
        assertEquals(FrameEncoder.headerLength(frame.length(), masked) + frame.length(), wire.length);
        assertEquals(frame.length() <= 125 ? frame.length() : frame.length() <= 65535 ? 126 : 127, wire[1] & 0x7F);
        FrameDecoder decoder = new FrameDecoder(decoderRole, Integer.MAX_VALUE);
        decoder.allowReservedBits(7);
        assertEquals(List.of(frame), FrameCollector.decode(decoder, List.of(ByteBuffer.wrap(wire))));
    }
}
