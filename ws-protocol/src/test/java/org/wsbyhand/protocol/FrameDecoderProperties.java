package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameDecoderProperties {

    @Provide
    Arbitrary<List<Frame>> streams() {
        return Generators.smallFrames().list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 40).edgeCases(c -> c.includeOnly(1, 2, 40)).list().ofMinSize(1).ofMaxSize(12);
    }

    private static byte[] encode(List<Frame> frames, Role sender, int firstKey) {
        List<byte[]> wires = new ArrayList<>();
        int key = firstKey;
        for (Frame frame : frames) {
            wires.add(sender == Role.CLIENT ? FrameEncoder.encodeMasked(frame, key) : FrameEncoder.encode(frame));
            key = key * 31 + 17;
        }
        return Wire.concat(wires.toArray(byte[][]::new));
    }

    private static List<Frame> decode(Role role, List<byte[]> chunks, boolean direct) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(role, Integer.MAX_VALUE);
        decoder.allowReservedBits(7);
        List<ByteBuffer> buffers = new ArrayList<>();
        for (byte[] chunk : chunks) {
            buffers.add(direct ? ByteBuffer.allocateDirect(chunk.length).put(chunk).flip() : ByteBuffer.wrap(chunk.clone()));
        }
        List<Frame> frames = FrameCollector.decode(decoder, buffers);
        assertTrue(decoder.isAtFrameBoundary());
        return frames;
    }

    @Property(tries = 500)
    void decodingIsIndependentOfHowTheStreamIsChunked(@ForAll("streams") List<Frame> frames, @ForAll Role receiver,
            @ForAll int maskKey, @ForAll("chunkSizes") List<Integer> chunkSizes, @ForAll boolean directBuffers)
            throws ProtocolException {
        byte[] stream = encode(frames, receiver.peer(), maskKey);
        List<Frame> whole = decode(receiver, List.of(stream), false);
        List<Frame> chunked = decode(receiver, Wire.chunked(stream, chunkSizes), directBuffers);
        assertEquals(whole, chunked);
        assertEquals(frames, whole);
    }

    @Property(tries = 200)
    void decodingByteByByteGivesTheSameFrames(@ForAll("streams") List<Frame> frames, @ForAll Role receiver,
            @ForAll int maskKey) throws ProtocolException {
        byte[] stream = encode(frames, receiver.peer(), maskKey);
        assertEquals(frames, decode(receiver, Wire.byteByByte(stream), false));
    }

    @Property(tries = 300)
    void aViolationIsReportedAtTheSameByteHoweverTheStreamIsChunked(@ForAll("streams") List<Frame> frames,
            @ForAll @IntRange(min = 0, max = 255) int badFirstByte, @ForAll @IntRange(min = 0, max = 255) int badSecondByte,
            @ForAll("chunkSizes") List<Integer> chunkSizes) {
        // A valid stream, then two arbitrary header bytes: the outcome must not depend on chunking.
        byte[] stream = Wire.concat(encode(frames, Role.CLIENT, 1), new byte[] {(byte) badFirstByte, (byte) badSecondByte});
        Outcome whole = outcome(List.of(stream));
        Outcome chunked = outcome(Wire.chunked(stream, chunkSizes));
        assertEquals(whole, chunked);
    }

    private record Outcome(List<Frame> frames, Violation violation, long consumed) {}

    private static Outcome outcome(List<byte[]> chunks) {
        FrameDecoder decoder = new FrameDecoder(Role.SERVER, 1000);
        FrameCollector collector = new FrameCollector();
        long consumed = 0;
        for (byte[] chunk : chunks) {
            ByteBuffer buffer = ByteBuffer.wrap(chunk.clone());
            try {
                decoder.decode(buffer, collector);
            } catch (ProtocolException e) {
                return new Outcome(collector.frames, e.violation(), consumed + buffer.position());
            }
            consumed += chunk.length;
        }
        return new Outcome(collector.frames, null, consumed);
    }
}
