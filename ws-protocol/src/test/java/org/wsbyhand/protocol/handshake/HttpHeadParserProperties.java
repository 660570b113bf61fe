package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.wsbyhand.protocol.Limits;

class HttpHeadParserProperties {

    private static final Limits SMALL = Limits.defaults().withMaxHeadSize(256).withMaxHeaderCount(6);

    @Provide
    Arbitrary<HttpRequest> requests() {
        return Generators.requests();
    }

    @Provide
    Arbitrary<HttpResponse> responses() {
        return Generators.responses();
    }

    /** Byte strings that are mostly pieces of HTTP heads, so the parser gets deep before it fails. */
    @Provide
    Arbitrary<byte[]> headLikeBytes() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("GET / HTTP/1.1\r\n", "HTTP/1.1 101 Switching Protocols\r\n", "Host: x\r\n", "\r\n",
                        "\r", "\n", ":", " ", "\t", "\u0000", "X-A: ", "\u00ff", "GET", "HTTP/1.1", "/"),
                Arbitraries.strings().withCharRange((char) 0, (char) 0xFF).ofMaxLength(8));
        return piece.list().ofMaxSize(60).map(pieces -> String.join("", pieces).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Splits {@code bytes} at the given offsets (taken modulo its length + 1, in any order). */
    private static List<ByteBuffer> chunks(byte[] bytes, List<Integer> cuts) {
        TreeSet<Integer> offsets = new TreeSet<>();
        offsets.add(0);
        offsets.add(bytes.length);
        cuts.forEach(cut -> offsets.add(cut % (bytes.length + 1)));
        Integer[] sorted = offsets.toArray(Integer[]::new);
        return IntStream.range(0, sorted.length - 1)
                .mapToObj(i -> ByteBuffer.wrap(Arrays.copyOfRange(bytes, sorted[i], sorted[i + 1])))
                .toList();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Feeds chunks until the head completes; returns the unconsumed bytes of that chunk and all later ones. */
    private static byte[] feedUntilComplete(HttpHeadParser parser, List<ByteBuffer> chunks) throws HandshakeException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        boolean complete = false;
        for (ByteBuffer chunk : chunks) {
            if (!complete) {
                complete = parser.feed(chunk);
            }
            if (complete) {
                rest.write(chunk.array(), chunk.position(), chunk.remaining());
            }
        }
        assertTrue(complete, "head should be complete");
        return rest.toByteArray();
    }

    @Property(tries = 500)
    void everyChunkingOfARequestYieldsTheSameRequestAndLeavesTrailingBytesUntouched(
            @ForAll("requests") HttpRequest request,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 4000) Integer> cuts,
            @ForAll @Size(max = 20) byte[] trailing) throws HandshakeException {
        byte[] wire = concat(request.toBytes(), trailing);
        HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults());
        byte[] rest = feedUntilComplete(parser, chunks(wire, cuts));
        assertEquals(request, parser.request());
        assertArrayEquals(trailing, rest);
        assertEquals(request.toBytes().length, parser.bytesConsumed());
    }

    @Property(tries = 100)
    void feedingARequestByteByByteYieldsTheSameRequestAsFeedingItWhole(@ForAll("requests") HttpRequest request)
            throws HandshakeException {
        byte[] wire = request.toBytes();
        HttpHeadParser parser = HttpHeadParser.forRequest(Limits.defaults());
        List<ByteBuffer> single = IntStream.range(0, wire.length)
                .mapToObj(i -> ByteBuffer.wrap(wire, i, 1).slice()).toList();
        feedUntilComplete(parser, single);
        assertEquals(Fixtures.parseRequest(wire), parser.request());
    }

    @Property(tries = 300)
    void everyChunkingOfAResponseYieldsTheSameResponseAndLeavesTrailingBytesUntouched(
            @ForAll("responses") HttpResponse response,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 4000) Integer> cuts,
            @ForAll @Size(max = 20) byte[] trailing) throws HandshakeException {
        HttpHeadParser parser = HttpHeadParser.forResponse(Limits.defaults());
        byte[] rest = feedUntilComplete(parser, chunks(concat(response.toBytes(), trailing), cuts));
        assertEquals(response, parser.response());
        assertArrayEquals(trailing, rest);
    }

    @Property(tries = 1000)
    void arbitraryBytesOnlyEverFailWithHandshakeExceptionAndNeverConsumeMoreThanTheHeadLimit(
            @ForAll("headLikeBytes") byte[] bytes,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 600) Integer> cuts,
            @ForAll boolean request) {
        HttpHeadParser parser = request ? HttpHeadParser.forRequest(SMALL) : HttpHeadParser.forResponse(SMALL);
        int consumed = 0;
        try {
            for (ByteBuffer chunk : chunks(bytes, cuts)) {
                int before = chunk.position();
                boolean complete = parser.feed(chunk);
                consumed += chunk.position() - before;
                if (complete) {
                    break;
                }
            }
        } catch (HandshakeException expected) {
            // Any failure must be a HandshakeException; anything else escapes and fails the property.
            assertTrue(expected.status() == 0 || expected.status() == 400 || expected.status() == 431, expected::toString);
        }
        assertTrue(consumed <= SMALL.maxHeadSize(), "consumed " + consumed);
        assertTrue(parser.bytesConsumed() <= SMALL.maxHeadSize());
    }

    @Property(tries = 300)
    void uniformlyRandomBytesOnlyEverFailWithHandshakeException(@ForAll @Size(max = 600) byte[] bytes) {
        HttpHeadParser parser = HttpHeadParser.forRequest(SMALL);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            parser.feed(in);
        } catch (HandshakeException expected) {
            assertTrue(expected.status() == 400 || expected.status() == 431, expected::toString);
        }
        assertTrue(in.position() <= SMALL.maxHeadSize());
    }
}
