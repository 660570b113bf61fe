package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.wsbyhand.protocol.FuzzInput;
import org.wsbyhand.protocol.Limits;

/**
 * Feeds one head, cut into chunks, to {@link HttpHeadParser} and checks what every fuzz target of
 * the handshake needs from the parser: it throws nothing but {@link HandshakeException}, and after
 * a failure rethrows that same exception; each feed consumes and answers exactly as the
 * byte-at-a-time reference parser ({@link ByteAtATimeHeadParser}) fed the same chunks; it never
 * consumes more than the head size limit, and a complete head is exactly the input up to and
 * including its first empty line (CRLF CRLF), the rest left unread; failures carry the documented
 * status (the failure's own for requests, 0 for responses); a parsed head written back with
 * {@code toBytes()} parses to an equal head.
 */
final class HeadFeeding {

    /** Head limits the targets choose from: (head size, header count), small ones included. */
    static final Limits[] LIMITS = {
        Limits.defaults().withMaxHeadSize(256).withMaxHeaderCount(3),
        Limits.defaults().withMaxHeadSize(512).withMaxHeaderCount(100),
        Limits.defaults(),
        Limits.defaults().withMaxHeaderCount(5),
    };

    /** How the feeding ended: the parser, the failure if any, and how many input bytes were consumed. */
    record Outcome(HttpHeadParser parser, HandshakeException failure, int consumed) {
        boolean complete() {
            return parser.isComplete();
        }
    }

    private HeadFeeding() {
    }

    /** Feeds {@code head} in the chunks of {@code chunker}; {@code request} picks the parser kind. */
    static Outcome feed(boolean request, Limits limits, FuzzInput.Chunker chunker, byte[] head) {
        HttpHeadParser parser = request ? HttpHeadParser.forRequest(limits) : HttpHeadParser.forResponse(limits);
        ByteAtATimeHeadParser reference = request
                ? ByteAtATimeHeadParser.forRequest(limits) : ByteAtATimeHeadParser.forResponse(limits);
        HandshakeException failure = null;
        int consumed = 0;
        boolean complete = false;
        List<ByteBuffer> chunks = chunker.cut(head);
        for (ByteBuffer chunk : chunks) {
            byte[] piece = new byte[chunk.remaining()];
            chunk.get(chunk.position(), piece);
            int before = chunk.position();
            String ours;
            try {
                complete = parser.feed(chunk);
                ours = String.valueOf(complete);
            } catch (HandshakeException e) {
                failure = e;
                ours = e.failure() + " " + e.status() + " " + e.reason();
            }
            int used = chunk.position() - before;
            consumed += used;
            ByteBuffer referenceChunk = ByteBuffer.wrap(piece);
            String expected;
            try {
                expected = String.valueOf(reference.feed(referenceChunk));
            } catch (HandshakeException e) {
                expected = e.failure() + " " + e.status() + " " + e.reason();
            }
            assertEquals(expected, ours, "feed outcome vs the byte-at-a-time parser");
            assertEquals(referenceChunk.position(), used, "bytes consumed by a feed vs the byte-at-a-time parser");
            if (failure != null || complete) {
                break;
            }
        }
        assertEquals(reference.bytesConsumed(), parser.bytesConsumed(), "bytesConsumed");
        assertTrue(parser.bytesConsumed() <= limits.maxHeadSize(), "consumed " + parser.bytesConsumed()
                + " bytes, limit " + limits.maxHeadSize());
        assertEquals(consumed, parser.bytesConsumed(), "bytesConsumed vs buffer positions");
        if (failure != null) {
            checkFailure(request, parser, failure);
        }
        if (complete) {
            checkComplete(request, limits, parser, head, consumed);
        } else {
            assertFalse(parser.isComplete(), "isComplete without feed returning true");
        }
        return new Outcome(parser, failure, consumed);
    }

    private static void checkFailure(boolean request, HttpHeadParser parser, HandshakeException failure) {
        if (request) {
            assertEquals(failure.failure().status(), failure.status(), "status of " + failure.failure());
            assertTrue(failure.status() == 400 || failure.status() == 431, "parser status " + failure.status());
            assertTrue(failure.responseBytes().length > 0, "error response");
        } else {
            assertEquals(0, failure.status(), "a response head failure carries status 0");
        }
        try {
            parser.feed(ByteBuffer.wrap(new byte[] {'\r', '\n'}));
            fail("feed after a failure did not throw");
        } catch (HandshakeException again) {
            assertSame(failure, again, "feed after a failure throws another exception");
        }
    }

    private static void checkComplete(boolean request, Limits limits, HttpHeadParser parser, byte[] head, int consumed) {
        String consumedText = new String(head, 0, consumed, StandardCharsets.ISO_8859_1);
        assertTrue(consumedText.endsWith("\r\n\r\n"), "a complete head that does not end with an empty line");
        assertEquals(consumed - 4, consumedText.indexOf("\r\n\r\n"), "the head goes on past its first empty line");
        byte[] written = request ? parser.request().toBytes() : parser.response().toBytes();
        // Written back as "Name: value" a head may grow: parse it under roomy limits.
        Limits roomy = Limits.defaults().withMaxHeadSize(Math.max(256, written.length + 1)).withMaxHeaderCount(limits.maxHeaderCount());
        HttpHeadParser again = request ? HttpHeadParser.forRequest(roomy) : HttpHeadParser.forResponse(roomy);
        try {
            ByteBuffer in = ByteBuffer.wrap(written);
            assertTrue(again.feed(in), "a written head is incomplete");
            assertFalse(in.hasRemaining(), "a written head has bytes after its end");
        } catch (HandshakeException e) {
            fail("a parsed head written back does not parse: " + e + "\n"
                    + new String(written, StandardCharsets.ISO_8859_1));
        }
        if (request) {
            assertEquals(parser.request(), again.request(), "request after toBytes and parsing again");
        } else {
            assertEquals(parser.response(), again.response(), "response after toBytes and parsing again");
        }
        assertTrue(Arrays.equals(written, request ? again.request().toBytes() : again.response().toBytes()),
                "toBytes is not stable");
    }
}
