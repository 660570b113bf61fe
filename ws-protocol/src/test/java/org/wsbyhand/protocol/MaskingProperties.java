package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MaskingProperties {

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(200)
                .edgeCases(edges -> edges.add(new byte[0]));
    }

    @Property
    void maskingTwiceRestoresThePayload(@ForAll("payloads") byte[] payload, @ForAll int key,
            @ForAll @IntRange(max = 3) int keyOffset) {
        byte[] data = payload.clone();
        Masking.mask(data, 0, data.length, key, keyOffset);
        Masking.mask(data, 0, data.length, key, keyOffset);
        assertArrayEquals(payload, data);
    }

    @Property
    void wordWiseArrayMaskingEqualsByteWiseDefinition(@ForAll("payloads") byte[] payload,
            @ForAll @IntRange(max = 200) int from, @ForAll @IntRange(max = 200) int to, @ForAll int key,
            @ForAll @IntRange(max = 3) int keyOffset) {
        int offset = Math.min(Math.min(from, to), payload.length);
        int length = Math.min(Math.max(from, to), payload.length) - offset;
        byte[] actual = payload.clone();
        int next = Masking.mask(actual, offset, length, key, keyOffset);
        assertArrayEquals(MaskingTest.reference(payload, offset, length, key, keyOffset), actual);
        assertEquals((keyOffset + length) & 3, next);
    }

    @Property
    void wordWiseBufferMaskingEqualsByteWiseDefinition(@ForAll("payloads") byte[] payload, @ForAll boolean direct,
            @ForAll boolean littleEndian, @ForAll @IntRange(max = 200) int from, @ForAll @IntRange(max = 200) int to,
            @ForAll int key, @ForAll @IntRange(max = 3) int keyOffset) {
        int position = Math.min(Math.min(from, to), payload.length);
        int limit = Math.min(Math.max(from, to), payload.length);
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(payload.length) : ByteBuffer.allocate(payload.length);
        buffer.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN).put(payload).clear();
        buffer.position(position).limit(limit);
        int next = Masking.mask(buffer, key, keyOffset);
        assertEquals(position, buffer.position());
        assertEquals(limit, buffer.limit());
        byte[] actual = new byte[payload.length];
        buffer.clear().get(actual);
        assertArrayEquals(MaskingTest.reference(payload, position, limit - position, key, keyOffset), actual);
        assertEquals((keyOffset + limit - position) & 3, next);
    }

    @Property
    void maskingInChunksWithTheReturnedKeyOffsetsEqualsMaskingWhole(@ForAll("payloads") byte[] payload, @ForAll int key,
            @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 1, max = 23) Integer> chunkSizes,
            @ForAll boolean directBuffers) {
        byte[] whole = payload.clone();
        Masking.mask(whole, 0, whole.length, key, 0);

        byte[] chunked = payload.clone();
        int keyOffset = 0;
        int at = 0;
        for (int i = 0; at < chunked.length; i++) {
            int size = Math.min(chunkSizes.get(i % chunkSizes.size()), chunked.length - at);
            if (directBuffers) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(size).put(chunked, at, size).flip();
                keyOffset = Masking.mask(buffer, key, keyOffset);
                buffer.get(chunked, at, size);
            } else {
                keyOffset = Masking.mask(chunked, at, size, key, keyOffset);
            }
            at += size;
        }
        assertArrayEquals(whole, chunked);
    }
}
