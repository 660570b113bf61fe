package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
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

    /** A head's bytes with one or two of them replaced by bytes that matter to the grammar, so it fails deep inside. */
    private static Arbitrary<byte[]> damaged(Arbitrary<byte[]> heads) {
        Arbitrary<Byte> damage = Arbitraries.of((byte) '\r', (byte) '\n', (byte) ' ', (byte) '\t', (byte) ':',
                (byte) 0, (byte) 0x7F, (byte) 0xFF, (byte) '(', (byte) 'a');
        Arbitrary<Integer> offsets = Arbitraries.integers().between(0, 100_000);
        return Combinators.combine(heads, offsets, damage, offsets, damage).as((head, first, firstByte, second, secondByte) -> {
            byte[] copy = head.clone();
            copy[first % copy.length] = firstByte;
            copy[second % copy.length] = secondByte;
            return copy;
        });
    }

    /**
     * A start line and then field lines built as name, whitespace, colon, value from pieces that
     * each break one header rule or none (empty or non-token names, whitespace before the colon,
     * a missing colon, control characters and obs-text in values), so that every rule gets hit.
     */
    private static Arbitrary<byte[]> fieldLines(String startLine) {
        Arbitrary<String> line = Combinators.combine(
                Arbitraries.of("", "a", "Sec-Z", "a(", "\u00ff", " a", "\ta"),
                Arbitraries.of("", " ", "\t"),
                Arbitraries.of(":", ""),
                Arbitraries.of("", " v", "v\u0000", "\u00ff ", "v:w", "\u007f"))
                .as((name, whitespace, colon, value) -> name + whitespace + colon + value);
        return line.list().ofMaxSize(5).map(lines -> {
            StringBuilder head = new StringBuilder(startLine).append("\r\n");
            lines.forEach(l -> head.append(l).append("\r\n"));
            return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        });
    }

    /**
     * Anything a peer might send to a request parser (true) or a response parser (false): valid
     * heads with bytes behind them, damaged heads, and head-like noise.
     */
    @Provide
    Arbitrary<Tuple2<Boolean, byte[]>> anyHeadBytes() {
        Arbitrary<byte[]> trailing = Arbitraries.bytes().array(byte[].class).ofMaxSize(10);
        Arbitrary<byte[]> requestHeads = requests().map(HttpRequest::toBytes);
        Arbitrary<byte[]> responseHeads = responses().map(HttpResponse::toBytes);
        Arbitrary<byte[]> forRequests = Arbitraries.oneOf(
                Combinators.combine(requestHeads, trailing).as(HttpHeadParserProperties::concat),
                damaged(requestHeads), fieldLines("GET / HTTP/1.1"), headLikeBytes());
        Arbitrary<byte[]> forResponses = Arbitraries.oneOf(
                Combinators.combine(responseHeads, trailing).as(HttpHeadParserProperties::concat),
                damaged(responseHeads), fieldLines("HTTP/1.1 101 Switching Protocols"), headLikeBytes());
        return Arbitraries.oneOf(forRequests.map(bytes -> Tuple.of(true, bytes)),
                forResponses.map(bytes -> Tuple.of(false, bytes)));
    }

    /** The kinds of buffer a caller may feed: the parser reads heap arrays in place and copies the others. */
    enum BufferKind {
        HEAP, HEAP_WITH_OFFSET, DIRECT, READ_ONLY;

        ByteBuffer of(byte[] bytes) {
            return switch (this) {
                case HEAP -> ByteBuffer.wrap(bytes.clone());
                case HEAP_WITH_OFFSET -> {
                    byte[] larger = new byte[bytes.length + 7];
                    System.arraycopy(bytes, 0, larger, 3, bytes.length);
                    yield ByteBuffer.wrap(larger, 3, bytes.length).slice();
                }
                case DIRECT -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                case READ_ONLY -> ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
            };
        }
    }

    /** What one feed did: how far it moved the buffer, and what it returned or which failure it threw. */
    private record Fed(int consumed, String outcome) {
    }

    /** {@code HttpHeadParser::feed} or {@code ByteAtATimeHeadParser::feed}. */
    private interface Feed {
        boolean feed(ByteBuffer in) throws HandshakeException;
    }

    private static Fed feedOnce(Feed feed, ByteBuffer in) {
        int before = in.position();
        String outcome;
        try {
            outcome = String.valueOf(feed.feed(in));
        } catch (HandshakeException e) {
            outcome = e.failure() + " " + e.status() + " " + e.reason();
        }
        return new Fed(in.position() - before, outcome);
    }

    @Property(tries = 1500)
    void everyInputInEveryChunkingGetsTheAnswerOfTheByteAtATimeReferenceParser(
            @ForAll("anyHeadBytes") Tuple2<Boolean, byte[]> input,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 4000) Integer> cuts,
            @ForAll BufferKind bufferKind,
            @ForAll @IntRange(min = 256, max = 1200) int maxHeadSize,
            @ForAll @IntRange(min = 1, max = 25) int maxHeaderCount) {
        boolean request = input.get1();
        byte[] bytes = input.get2();
        Limits limits = Limits.defaults().withMaxHeadSize(maxHeadSize).withMaxHeaderCount(maxHeaderCount);
        HttpHeadParser parser = request ? HttpHeadParser.forRequest(limits) : HttpHeadParser.forResponse(limits);
        ByteAtATimeHeadParser reference = request
                ? ByteAtATimeHeadParser.forRequest(limits) : ByteAtATimeHeadParser.forResponse(limits);
        List<Fed> ours = new ArrayList<>();
        List<Fed> expected = new ArrayList<>();
        for (ByteBuffer chunk : chunks(bytes, cuts)) {
            byte[] piece = Arrays.copyOfRange(chunk.array(), chunk.position(), chunk.limit());
            ours.add(feedOnce(parser::feed, bufferKind.of(piece)));
            expected.add(feedOnce(reference::feed, ByteBuffer.wrap(piece)));
        }
        assertEquals(expected, ours, () -> new String(bytes, StandardCharsets.ISO_8859_1));
        assertEquals(reference.bytesConsumed(), parser.bytesConsumed());
        assertEquals(reference.isComplete(), parser.isComplete());
        Statistics.collect(expected.isEmpty() ? "nothing fed" : expected.get(expected.size() - 1).outcome().split(" ")[0]);
        if (parser.isComplete()) {
            if (request) {
                assertEquals(reference.request(), parser.request());
            } else {
                assertEquals(reference.response(), parser.response());
            }
        }
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
