package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.wsbyhand.protocol.FuzzInput;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.Violation;

/**
 * Fuzzes the receiving half of {@link PerMessageDeflate}: {@link PerMessageDeflate#inflate} on
 * payload chunks of the fuzzer's choosing, {@link PerMessageDeflate#finishMessage} at message ends,
 * and {@link PerMessageDeflate#decompress} on whole payloads, under small size limits; and its
 * round trip with the sending half.
 *
 * <p>Input: a configuration byte (bits 0-2: the size limit, 1 byte to 20000; bit 3: the peer uses
 * no context takeover), then operations: {@code op % 4} = 0 or 1: inflate a run (length byte,
 * bytes) as the next chunk of the current message; 2: finish the message; 3: a round trip of a run
 * compressed by a sender of the same agreement and inflated, in two chunks cut at the next byte, by
 * a receiver of its own.
 *
 * <p>Checked: nothing but {@link ProtocolException} escapes, with
 * {@link Violation#INVALID_COMPRESSED_DATA} or the sink's {@link Violation#MESSAGE_TOO_BIG};
 * output comes in non-empty pieces of at most {@link PerMessageDeflate#CHUNK_SIZE} bytes; every
 * finished message equals what a plain {@link Inflater} makes of the message's bytes and the
 * {@code 00 00 ff ff} tail in one piece (with the same window policy), and equals
 * {@code decompress} of the same bytes on a fresh instance when the message is the first; the
 * output never exceeds the limit, and a message whose plain inflation exceeds it fails; round trips
 * give back the original bytes (or fail with MESSAGE_TOO_BIG when they exceed the limit); no
 * Inflater or Deflater outlives {@link PerMessageDeflate#close()}.
 */
class InflateFuzzTest {

    private static final int[] LIMITS = {1, 16, 100, 1000, 8192, 8193, 20000, 64};
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};

    @FuzzTest(maxDuration = "45s")
    void inflaterKeepsToItsLimitAndAgreesWithAPlainInflater(byte[] input) {
        long inflatersBefore = PerMessageDeflate.liveInflaters();
        long deflatersBefore = PerMessageDeflate.liveDeflaters();
        FuzzInput in = new FuzzInput(input);
        int config = in.nextByte();
        int limit = LIMITS[config & 7];
        boolean peerNoContextTakeover = (config & 8) != 0;
        DeflateParameters parameters = new DeflateParameters(peerNoContextTakeover, false, 15, 15);

        PerMessageDeflate receiver = new PerMessageDeflate(Role.CLIENT, parameters, DeflateOptions.defaults());
        PlainInflation plain = new PlainInflation(peerNoContextTakeover);
        RoundTrip roundTrip = new RoundTrip(parameters, limit);
        BoundedSink sink = new BoundedSink(limit);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean dead = false;
        boolean firstMessage = true;
        while (in.hasMore()) {
            int op = in.nextByte() % 4;
            if (op == 3) {
                roundTrip.run(in.nextRun(), in.nextByte());
                continue;
            }
            if (dead) {
                in.nextRun();
                continue;
            }
            try {
                if (op < 2) {
                    byte[] chunk = in.nextRun();
                    message.writeBytes(chunk);
                    receiver.inflate(chunk, 0, chunk.length, sink);
                } else {
                    receiver.finishMessage(sink);
                    byte[] expected = plain.inflate(message.toByteArray());
                    assertNotNull(expected, "finished a message a plain Inflater finds invalid");
                    assertTrue(expected.length <= limit, "finished a message of " + expected.length
                            + " bytes, limit " + limit);
                    assertArrayEquals(expected, sink.bytes(), "inflated message");
                    if (firstMessage) {
                        assertArrayEquals(expected, decompressFresh(parameters, message.toByteArray(), limit),
                                "decompress on a fresh instance");
                    }
                    firstMessage = false;
                    message.reset();
                    sink.reset();
                }
            } catch (ProtocolException e) {
                Set<Violation> allowed = EnumSet.of(Violation.INVALID_COMPRESSED_DATA, Violation.MESSAGE_TOO_BIG);
                assertTrue(allowed.contains(e.violation()), "inflating failed with " + e.violation());
                if (e.violation() == Violation.MESSAGE_TOO_BIG) {
                    assertTrue(sink.size() <= limit, "the sink took more than the limit");
                }
                dead = true; // "the message (and in practice the connection) is then dead"
            }
        }
        receiver.close();
        plain.close();
        roundTrip.close();
        assertEquals(inflatersBefore, PerMessageDeflate.liveInflaters(), "an Inflater outlived close()");
        assertEquals(deflatersBefore, PerMessageDeflate.liveDeflaters(), "a Deflater outlived close()");
    }

    private static byte[] decompressFresh(DeflateParameters parameters, byte[] payload, int limit) {
        try (PerMessageDeflate fresh = new PerMessageDeflate(Role.CLIENT, parameters, DeflateOptions.defaults())) {
            byte[] out = fresh.decompress(payload, limit);
            assertTrue(out.length <= limit, "decompress returned more than its limit");
            return out;
        } catch (ProtocolException e) {
            throw new AssertionError("decompress failed where streaming succeeded: " + e, e);
        }
    }

    /** Counts and keeps inflated bytes, refusing past the limit as a connection's assembler does. */
    private static final class BoundedSink implements PerMessageDeflate.InflateSink {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BoundedSink(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(byte[] chunk, int offset, int length) throws ProtocolException {
            assertTrue(length > 0 && length <= PerMessageDeflate.CHUNK_SIZE, "inflated piece of " + length + " bytes");
            assertTrue(offset >= 0 && offset + length <= chunk.length, "piece outside its array");
            if ((long) bytes.size() + length > limit) {
                throw new ProtocolException(Violation.MESSAGE_TOO_BIG);
            }
            bytes.write(chunk, offset, length);
        }

        int size() {
            return bytes.size();
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        void reset() {
            bytes.reset();
        }
    }

    /**
     * RFC 7692 7.2.2 done with a plain {@link Inflater}, a whole message at a time: append the
     * tail, inflate until the input is used up or the stream ends (bytes after a final block are
     * not DEFLATE data), and start a new window after a final block or when the peer uses no
     * context takeover. Returns null for invalid data.
     */
    private static final class PlainInflation {
        private final boolean noContextTakeover;
        private Inflater inflater = new Inflater(true);

        PlainInflation(boolean noContextTakeover) {
            this.noContextTakeover = noContextTakeover;
        }

        byte[] inflate(byte[] payload) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] piece = new byte[4096];
            try {
                if (!inflater.finished()) {
                    byte[] all = new byte[payload.length + 4];
                    System.arraycopy(payload, 0, all, 0, payload.length);
                    System.arraycopy(TAIL, 0, all, payload.length, 4);
                    inflater.setInput(all);
                    while (!inflater.finished() && !inflater.needsInput()) {
                        int n = inflater.inflate(piece);
                        if (n == 0 && !inflater.finished() && !inflater.needsInput()) {
                            return null;
                        }
                        out.write(piece, 0, n);
                    }
                }
            } catch (DataFormatException e) {
                return null;
            }
            if (noContextTakeover || inflater.finished()) {
                inflater.end();
                inflater = new Inflater(true);
            }
            return out.toByteArray();
        }

        void close() {
            inflater.end();
        }
    }

    /** A sender and a receiver of one agreement exchanging the fuzzer's messages. */
    private static final class RoundTrip {
        private final PerMessageDeflate sender;
        private final PerMessageDeflate receiver;
        private final int limit;
        private boolean dead;

        RoundTrip(DeflateParameters parameters, int limit) {
            this.sender = new PerMessageDeflate(Role.SERVER, parameters, DeflateOptions.defaults());
            this.receiver = new PerMessageDeflate(Role.CLIENT, parameters, DeflateOptions.defaults());
            this.limit = limit;
        }

        void run(byte[] original, int cut) {
            if (dead) {
                return;
            }
            byte[] compressed = sender.compress(ByteBuffer.wrap(original));
            int at = Math.min(cut, compressed.length);
            BoundedSink sink = new BoundedSink(limit);
            try {
                receiver.inflate(compressed, 0, at, sink);
                receiver.inflate(compressed, at, compressed.length - at, sink);
                receiver.finishMessage(sink);
                assertArrayEquals(original, sink.bytes(), "message after compress and inflate");
            } catch (ProtocolException e) {
                assertEquals(Violation.MESSAGE_TOO_BIG, e.violation(), "round trip of a valid message failed: " + e);
                assertTrue(original.length > limit, "a " + original.length + "-byte message refused, limit " + limit);
                dead = true; // the receiver's window no longer matches the sender's
            }
        }

        void close() {
            sender.close();
            receiver.close();
        }
    }
}
