package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.wsbyhand.protocol.FuzzInput;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.Violation;

/**
 * Fuzzes the receiving half of {@link PerMessageDeflate} as a connection drives it: each payload
 * chunk handed over with {@link PerMessageDeflate#input} and inflated with
 * {@link PerMessageDeflate#inflate} into windows of the fuzzer's sizes until it returns 0,
 * {@link PerMessageDeflate#endInput()} at the end of a message, and
 * {@link PerMessageDeflate#decompress} on whole payloads, under small size limits; and its round
 * trip with the sending half.
 *
 * <p>Input: a configuration byte (bits 0-2: the size limit, 1 byte to 20000; bit 3: the peer uses
 * no context takeover), then operations: an operation byte whose value modulo 4 is 0 or 1: a run
 * (length byte, bytes) is the next chunk of the current message, inflated into windows of
 * {@link #WINDOWS}{@code [op / 4 % 8]} bytes; 2: the message ends; 3: a round trip of a run
 * compressed by a sender of the same agreement and received, cut in two at the next byte, by a
 * receiver of its own.
 *
 * <p>Checked: nothing but {@link ProtocolException} with {@link Violation#INVALID_COMPRESSED_DATA}
 * escapes; {@code inflate} writes only inside the window it is given and returns at most its size;
 * the caller's input array can be reused once {@code inflate} returned 0 (the test overwrites it);
 * every finished message equals what a plain {@link Inflater} makes of the message's
 * bytes and the {@code 00 00 ff ff} tail in one piece (with the same window policy) and is never
 * longer than the caller's limit; {@code decompress} on a fresh
 * instance never returns more than its limit and agrees with the plain output (MESSAGE_TOO_BIG
 * exactly when it is longer than the limit); round trips give back the original bytes; no Inflater
 * or Deflater outlives {@link PerMessageDeflate#close()}.
 */
class InflateFuzzTest {

    private static final int[] LIMITS = {1, 16, 100, 1000, 8192, 8193, 20000, 64};
    /** Sizes of the output windows the caller offers to {@code inflate}. */
    static final int[] WINDOWS = {8192, 1, 7, 64, 1000, 4096, 3, 100};
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    /** What surrounds each output window; inflate must leave it as it is. */
    private static final byte[] POISON = {(byte) 0xC3, 0x3C, (byte) 0xC3, 0x3C, (byte) 0xC3};

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
        Caller caller = new Caller(receiver, limit);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean dead = false;
        boolean firstMessage = true;
        while (in.hasMore()) {
            int opByte = in.nextByte();
            int op = opByte % 4;
            if (op == 3) {
                roundTrip.run(in.nextRun(), in.nextByte());
                continue;
            }
            byte[] chunk = op < 2 ? in.nextRun() : null;
            if (dead) {
                continue;
            }
            try {
                if (op < 2) {
                    message.writeBytes(chunk);
                    caller.chunk(chunk, WINDOWS[(opByte >> 2) % WINDOWS.length]);
                } else {
                    caller.end();
                    byte[] expected = plain.inflate(message.toByteArray());
                    assertNotNull(expected, "finished a message a plain Inflater finds invalid");
                    assertTrue(expected.length <= limit, "a message of " + expected.length
                            + " bytes got through, limit " + limit);
                    assertArrayEquals(expected, caller.message(), "inflated message");
                    if (firstMessage) {
                        assertArrayEquals(expected, decompressFresh(parameters, message.toByteArray(), limit),
                                "decompress on a fresh instance");
                    }
                    firstMessage = false;
                    message.reset();
                }
            } catch (ProtocolException e) {
                // MESSAGE_TOO_BIG is the caller's own refusal, once inflate produced a byte past the limit.
                if (e.violation() != Violation.MESSAGE_TOO_BIG) {
                    assertEquals(Violation.INVALID_COMPRESSED_DATA, e.violation(), "inflating failed with " + e.violation());
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
            throw new AssertionError("decompress failed where the streaming caller succeeded: " + e, e);
        }
    }

    /**
     * Drives a receiving {@link PerMessageDeflate} as a connection does: hands over a chunk, then
     * inflates into windows of a given size until {@code inflate} returns 0, refusing (with its
     * own {@link Violation#MESSAGE_TOO_BIG}) a message that would exceed the limit; checks that
     * {@code inflate} keeps to its window, and overwrites each chunk once it is inflated.
     */
    private static final class Caller {
        private final PerMessageDeflate inflater;
        private final int limit;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        Caller(PerMessageDeflate inflater, int limit) {
            this.inflater = inflater;
            this.limit = limit;
        }

        void chunk(byte[] chunk, int window) throws ProtocolException {
            inflater.input(chunk, 0, chunk.length);
            drain(window);
            java.util.Arrays.fill(chunk, (byte) 0x5A); // the caller reuses its buffer now
        }

        void end() throws ProtocolException {
            inflater.endInput();
            drain(8192);
        }

        private void drain(int window) throws ProtocolException {
            while (true) {
                int room = Math.min(window, limit - message.size());
                if (room == 0) {
                    // At the limit: one more byte and the message is too big.
                    if (inflateInto(1) > 0) {
                        throw new ProtocolException(Violation.MESSAGE_TOO_BIG, "over " + limit + " bytes");
                    }
                    return;
                }
                if (inflateInto(room) == 0) {
                    return;
                }
            }
        }

        private int inflateInto(int room) throws ProtocolException {
            int offset = POISON.length;
            byte[] out = new byte[offset + room + POISON.length];
            System.arraycopy(POISON, 0, out, 0, offset);
            System.arraycopy(POISON, 0, out, offset + room, POISON.length);
            int n = inflater.inflate(out, offset, room);
            assertTrue(n >= 0 && n <= room, "inflate returned " + n + " for a window of " + room);
            assertTrue(java.util.Arrays.equals(out, 0, offset, POISON, 0, POISON.length)
                    && java.util.Arrays.equals(out, offset + room, out.length, POISON, 0, POISON.length),
                    "inflate wrote outside its window");
            if (n > 0 && message.size() + n <= limit) {
                message.write(out, offset, n);
            }
            return n;
        }

        int size() {
            return message.size();
        }

        byte[] message() {
            byte[] bytes = message.toByteArray();
            message.reset();
            return bytes;
        }
    }

    /**
     * RFC 7692 7.2.2 done with a plain {@link Inflater}, a whole message at a time: append the
     * tail, inflate until the stream ends (bytes after a final block are not DEFLATE data) or
     * {@code inflate} returns 0 with the input used up, and start a new window after a final block
     * or when the peer uses no context takeover. Returns null for invalid data.
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
                    // Not "until needsInput()": that only says every input byte was taken, and zlib
                    // may still hold output (such as the rest of a back-reference cut short by a
                    // full buffer). Done is inflate returning 0 with room to spare, as PerMessageDeflate's
                    // callers stop.
                    while (!inflater.finished()) {
                        int n = inflater.inflate(piece);
                        if (n > 0) {
                            out.write(piece, 0, n);
                        } else if (inflater.needsInput()) {
                            break;
                        } else if (!inflater.finished()) {
                            return null;
                        }
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
            Caller caller = new Caller(receiver, limit);
            try {
                caller.chunk(java.util.Arrays.copyOfRange(compressed, 0, at), 8192);
                caller.chunk(java.util.Arrays.copyOfRange(compressed, at, compressed.length), 13);
                caller.end();
                assertArrayEquals(original, caller.message(), "message after compress and inflate");
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
