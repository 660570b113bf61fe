package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.Violation;

class PerMessageDeflateTest {

    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static PerMessageDeflate server(DeflateParameters parameters) {
        return new PerMessageDeflate(Role.SERVER, parameters, DeflateOptions.defaults());
    }

    static PerMessageDeflate client(DeflateParameters parameters) {
        return new PerMessageDeflate(Role.CLIENT, parameters, DeflateOptions.defaults());
    }

    /** Inflates one message from its payload chunks, collecting everything. */
    static byte[] inflate(PerMessageDeflate deflate, byte[]... chunks) throws ProtocolException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            deflate.input(chunk, 0, chunk.length);
            drain(deflate, out);
        }
        deflate.endInput();
        drain(deflate, out);
        return out.toByteArray();
    }

    /** Inflates everything the input given so far holds, in pieces of an odd size. */
    static void drain(PerMessageDeflate deflate, ByteArrayOutputStream out) throws ProtocolException {
        byte[] room = new byte[777];
        for (int n; (n = deflate.inflate(room, 0, room.length)) > 0; ) {
            out.write(room, 0, n);
        }
    }

    /** A few KB of DEFLATE data that inflates to {@code size} zero bytes. */
    static byte[] bomb(int size) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(new byte[size]);
            byte[] out = new byte[size / 500 + 1024];
            int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            assertTrue(n < out.length, "the bomb fits its buffer");
            return Arrays.copyOf(out, n - 4);
        } finally {
            deflater.end();
        }
    }

    @Nested
    class Rfc7692Examples {

        @Test
        void helloCompressesToTheBytesOfSection7231() {
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), deflate.compress(ByteBuffer.wrap(HELLO)));
            }
        }

        @Test
        void secondHelloWithContextTakeoverReferencesTheFirstAsInSection7232() {
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                deflate.compress(ByteBuffer.wrap(HELLO));
                assertArrayEquals(hex("f2 00 11 00 00"), deflate.compress(ByteBuffer.wrap(HELLO)));
            }
        }

        @Test
        void secondHelloWithoutContextTakeoverIsCompressedAfresh() {
            try (PerMessageDeflate deflate = server(new DeflateParameters(true, false, 15, 15))) {
                deflate.compress(ByteBuffer.wrap(HELLO));
                assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), deflate.compress(ByteBuffer.wrap(HELLO)));
            }
        }

        @Test
        void clientInflatesTheSingleBlockHello() throws ProtocolException {
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(deflate, hex("f2 48 cd c9 c9 07 00")));
            }
        }

        @Test
        void clientInflatesHelloSplitOverTwoFrames() throws ProtocolException {
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(deflate, hex("f2 48 cd"), hex("c9 c9 07 00")));
            }
        }

        @Test
        void clientInflatesTheSecondHelloFromTheSharedWindow() throws ProtocolException {
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                inflate(deflate, hex("f2 48 cd c9 c9 07 00"));
                assertArrayEquals(HELLO, inflate(deflate, hex("f2 00 11 00 00")));
            }
        }

        @Test
        void clientInflatesAStoredBlockOfSection7233() throws ProtocolException {
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(deflate, hex("00 05 00 fa ff 48 65 6c 6c 6f 00")));
            }
        }

        @Test
        void clientInflatesABlockWithBfinalSetAndIgnoresTheByteAfterIt() throws ProtocolException {
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(deflate, hex("f3 48 cd c9 c9 07 00 00")));
                // The stream ended, so the next message starts a new one.
                assertArrayEquals(HELLO, inflate(deflate, hex("f2 48 cd c9 c9 07 00")));
            }
        }

        @Test
        void clientInflatesTwoDeflateBlocksInOneMessage() throws ProtocolException {
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(deflate, hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00")));
            }
        }

        @Test
        void anEmptyMessageRightAfterAnotherEndsWithTheByteOfAnAppendedEmptyBlock() throws ProtocolException {
            // zlib writes nothing for an empty input right after a sync flush; 7.2.1 then appends an
            // empty stored block, of which 00 remains after removing 00 00 ff ff.
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults());
                    PerMessageDeflate receiver = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(receiver, deflate.compress(ByteBuffer.wrap(HELLO))));
                byte[] empty = deflate.compress(ByteBuffer.allocate(0));
                assertArrayEquals(hex("00"), empty);
                assertArrayEquals(new byte[0], inflate(receiver, empty));
                assertArrayEquals(HELLO, inflate(receiver, deflate.compress(ByteBuffer.wrap(HELLO))));
            }
        }

        @Test
        void anEmptyMessageCompressesToOneZeroByteAsInSection7236() {
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                assertArrayEquals(hex("00"), deflate.compress(ByteBuffer.allocate(0)));
            }
        }
    }

    @Nested
    class Fragments {

        @Test
        void fragmentsFormOneStreamAndOnlyTheLastLosesItsTail() throws ProtocolException {
            byte[] first;
            byte[] last;
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                first = deflate.compressFragment(ByteBuffer.wrap("Hel".getBytes(StandardCharsets.US_ASCII)), false);
                last = deflate.compressFragment(ByteBuffer.wrap("lo".getBytes(StandardCharsets.US_ASCII)), true);
            }
            assertArrayEquals(hex("00 00 ff ff"), Arrays.copyOfRange(first, first.length - 4, first.length));
            assertFalse(Arrays.equals(hex("00 00 ff ff"), Arrays.copyOfRange(last, last.length - 4, last.length)));
            try (PerMessageDeflate receiver = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(receiver, first, last));
            }
        }

        @Test
        void anEmptyLastFragmentEndsTheMessage() throws ProtocolException {
            byte[] first;
            byte[] last;
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                first = deflate.compressFragment(ByteBuffer.wrap(HELLO), false);
                last = deflate.compressFragment(ByteBuffer.allocate(0), true);
            }
            assertArrayEquals(hex("00"), last, "the byte left of an appended empty stored block");
            try (PerMessageDeflate receiver = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(receiver, first, last));
                // The stream is still in step: a block boundary, not the middle of a stored block.
                assertArrayEquals(HELLO, inflate(receiver, hex("f2 00 11 00 00")));
            }
        }
    }

    @Nested
    class Safety {

        @Test
        void aDecompressionBombIsInflatedOnlyIntoTheRoomTheCallerGives() throws ProtocolException {
            byte[] bomb = bomb(16 * 1024 * 1024);
            assertTrue(bomb.length < 20 * 1024, "a few KB on the wire, was " + bomb.length);
            int room = 4096;
            byte[] out = new byte[2 * room];
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                deflate.input(bomb, 0, bomb.length);
                for (int call = 0; call < 16; call++) {
                    Arrays.fill(out, (byte) 0x5A);
                    int n = deflate.inflate(out, 0, room);
                    assertTrue(n > 0 && n <= room, "between 1 and the room, was " + n);
                    for (int i = room; i < out.length; i++) {
                        assertEquals((byte) 0x5A, out[i], "nothing written past the room, at " + i);
                    }
                }
                assertEquals(16 * room, deflate.bytesAfterInflation(), "no output produced that was not asked for");
            }
        }

        @Test
        void decompressRefusesOutputOverItsMaximum() {
            byte[] bomb = bomb(1024 * 1024);
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                ProtocolException e = assertThrows(ProtocolException.class, () -> deflate.decompress(bomb, 4096));
                assertEquals(Violation.MESSAGE_TOO_BIG, e.violation());
            }
        }

        @Test
        void decompressReturnsAMessageAtExactlyItsMaximum() throws ProtocolException {
            byte[] message = new byte[5000];
            Arrays.fill(message, (byte) 'a');
            byte[] compressed = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(message), 6);
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                assertArrayEquals(message, deflate.decompress(compressed, 5000));
            }
        }

        /**
         * The fuzzing finding {@code finding-oracle-stopped-at-needsInput-with-inflated-output-pending}
         * of {@link InflateFuzzTest}: 37 bytes that inflate, with the {@code 00 00 ff ff} tail, to
         * 4115 zero bytes. Inflated into 4096 bytes of room, zlib has taken every input byte
         * ({@link Inflater#needsInput()} is true) while 19 bytes of output are still to come; they
         * are part of the message and count against the limit.
         */
        @Test
        void outputZlibStillHoldsAfterTakingTheLastInputByteIsDeliveredAndCounted() throws ProtocolException {
            byte[] payload = hex("ec c1 31 01 00 00 00 c2 a0 f5 4f 6d 0d 0f a0 00 34 aa aa aa aa aa aa aa aa aa aa"
                    + " aa aa aa aa aa aa aa aa aa aa");
            Inflater plain = new Inflater(true);
            try {
                byte[] withTail = Arrays.copyOf(payload, payload.length + 4);
                withTail[payload.length + 2] = (byte) 0xFF;
                withTail[payload.length + 3] = (byte) 0xFF;
                plain.setInput(withTail);
                byte[] room = new byte[4096];
                assertEquals(4096, plain.inflate(room));
                assertTrue(plain.needsInput(), "zlib took every input byte");
                assertEquals(19, plain.inflate(room), "and still holds output");
            } catch (DataFormatException e) {
                throw new AssertionError(e);
            } finally {
                plain.end();
            }
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                byte[] room = new byte[4096];
                deflate.input(payload, 0, payload.length);
                for (int n; (n = deflate.inflate(room, 0, room.length)) > 0; ) {
                    message.write(room, 0, n);
                }
                deflate.endInput();
                for (int n; (n = deflate.inflate(room, 0, room.length)) > 0; ) {
                    message.write(room, 0, n);
                }
                assertArrayEquals(new byte[4115], message.toByteArray());
            }
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                assertArrayEquals(new byte[4115], deflate.decompress(payload, 4115));
            }
            for (int limit : new int[] {4096, 4114}) {
                try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                    ProtocolException e = assertThrows(ProtocolException.class, () -> deflate.decompress(payload, limit));
                    assertEquals(Violation.MESSAGE_TOO_BIG, e.violation(), "limit " + limit);
                }
            }
        }

        @Test
        void invalidDeflateDataFailsWith1007() {
            // BTYPE 11 is reserved in RFC 1951.
            byte[] invalid = hex("07 ff ff ff");
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                ProtocolException e = assertThrows(ProtocolException.class,
                        () -> inflate(deflate, invalid));
                assertEquals(Violation.INVALID_COMPRESSED_DATA, e.violation());
                assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, e.closeCode());
            }
        }

        @Test
        void aBackReferenceBeforeTheStartOfTheWindowIsInvalidData() {
            // The second "Hello" of section 7.2.3.2 refers to the first, which this inflater never saw.
            try (PerMessageDeflate deflate = client(DeflateParameters.defaults())) {
                ProtocolException e = assertThrows(ProtocolException.class, () -> inflate(deflate, hex("f2 00 11 00 00")));
                assertEquals(Violation.INVALID_COMPRESSED_DATA, e.violation());
            }
        }
    }

    @Nested
    class ContextTakeover {

        @Test
        void withoutServerContextTakeoverTheServerHoldsNoDeflaterBetweenMessages() {
            try (PerMessageDeflate deflate = server(new DeflateParameters(true, false, 15, 15))) {
                deflate.compress(ByteBuffer.wrap(HELLO));
                assertFalse(deflate.holdsDeflater());
            }
        }

        @Test
        void withContextTakeoverTheServerKeepsItsDeflater() {
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                deflate.compress(ByteBuffer.wrap(HELLO));
                assertTrue(deflate.holdsDeflater());
            }
        }

        @Test
        void withoutClientContextTakeoverTheServerHoldsNoInflaterBetweenMessages() throws ProtocolException {
            try (PerMessageDeflate deflate = server(new DeflateParameters(false, true, 15, 15))) {
                inflate(deflate, hex("f2 48 cd c9 c9 07 00"));
                assertFalse(deflate.holdsInflater());
                assertArrayEquals(HELLO, inflate(deflate, hex("f2 48 cd c9 c9 07 00")));
            }
        }

        @Test
        void clientWithoutContextTakeoverCompressesEveryMessageAfresh() {
            try (PerMessageDeflate deflate = client(new DeflateParameters(false, true, 15, 15))) {
                deflate.compress(ByteBuffer.wrap(HELLO));
                assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), deflate.compress(ByteBuffer.wrap(HELLO)));
            }
        }

        @Test
        void aMessageCompressedWithoutContextMakesTheNextOwnMessageStartAfresh() throws ProtocolException {
            try (PerMessageDeflate sender = server(DeflateParameters.defaults());
                    PerMessageDeflate receiver = client(DeflateParameters.defaults())) {
                assertArrayEquals(HELLO, inflate(receiver, sender.compress(ByteBuffer.wrap(HELLO))));
                byte[] shared = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap("World".getBytes(StandardCharsets.US_ASCII)), 6);
                sender.messageSentWithoutContext();
                assertArrayEquals("World".getBytes(StandardCharsets.US_ASCII), inflate(receiver, shared));
                byte[] next = sender.compress(ByteBuffer.wrap(HELLO));
                assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), next, "no reference into the old window");
                assertArrayEquals(HELLO, inflate(receiver, next));
            }
        }

        @Test
        void aServerWhoseWindowIsLimitedBelowFifteenBitsCompressesWithinItWithoutAnyDeflater() throws ProtocolException {
            long deflaters = PerMessageDeflate.liveDeflaters();
            try (PerMessageDeflate deflate = server(new DeflateParameters(false, false, 10, 15));
                    PerMessageDeflate receiver = client(new DeflateParameters(false, false, 10, 15))) {
                assertTrue(deflate.canCompress());
                assertEquals(10, deflate.sendWindowBits());
                byte[] first = deflate.compress(ByteBuffer.wrap(HELLO));
                assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), first);
                assertArrayEquals(HELLO, inflate(receiver, first));
                assertArrayEquals(HELLO, inflate(receiver, deflate.compress(ByteBuffer.wrap(HELLO))));
                assertTrue(deflate.holdsDeflater());
                assertEquals(deflaters, PerMessageDeflate.liveDeflaters(), "no zlib stream");
            }
        }

        @Test
        void theSendWindowIsTheSmallerOfTheAgreedOneAndThisSidesOption() {
            DeflateOptions twelve = DeflateOptions.defaults().withServerMaxWindowBits(12).withClientMaxWindowBits(11);
            assertEquals(12, new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), twelve).sendWindowBits());
            assertEquals(9, new PerMessageDeflate(Role.SERVER, new DeflateParameters(false, false, 9, 15), twelve).sendWindowBits());
            assertEquals(11, new PerMessageDeflate(Role.CLIENT, DeflateParameters.defaults(), twelve).sendWindowBits());
            assertEquals(8, new PerMessageDeflate(Role.CLIENT, new DeflateParameters(false, false, 15, 8), twelve).sendWindowBits());
        }

        @Test
        void withoutContextTakeoverASmallWindowServerHoldsNoCompressorBetweenMessages() throws ProtocolException {
            try (PerMessageDeflate deflate = server(new DeflateParameters(true, false, 10, 15));
                    PerMessageDeflate receiver = client(new DeflateParameters(true, false, 10, 15))) {
                byte[] message = "hello hello hello hello hello hello".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(message, inflate(receiver, deflate.compress(ByteBuffer.wrap(message))));
                    assertFalse(deflate.holdsDeflater());
                }
            }
        }

        @Test
        void aMessageCompressedWithoutContextForASmallWindowInflatesOnAConnectionWithThatWindow() throws ProtocolException {
            byte[] message = "a chat message, a chat message, a chat message".repeat(40).getBytes(StandardCharsets.US_ASCII);
            try (PerMessageDeflate sender = server(new DeflateParameters(false, false, 9, 15));
                    PerMessageDeflate receiver = client(new DeflateParameters(false, false, 9, 15))) {
                assertArrayEquals(message, inflate(receiver, sender.compress(ByteBuffer.wrap(message))));
                byte[] shared = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(message), 6, sender.sendWindowBits());
                sender.messageSentWithoutContext();
                assertArrayEquals(message, inflate(receiver, shared));
                assertArrayEquals(message, inflate(receiver, sender.compress(ByteBuffer.wrap(message))));
            }
        }

        @Test
        void messagesUnderTheMinimumSizeAreNotWorthCompressing() {
            try (PerMessageDeflate deflate = new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(),
                    DeflateOptions.defaults().withMinMessageSize(100))) {
                assertFalse(deflate.shouldCompress(99));
                assertTrue(deflate.shouldCompress(100));
            }
        }
    }

    @Nested
    class Release {

        @Test
        void closeEndsBothStreamsAndIsIdempotent() throws ProtocolException {
            long deflaters = PerMessageDeflate.liveDeflaters();
            long inflaters = PerMessageDeflate.liveInflaters();
            PerMessageDeflate deflate = server(DeflateParameters.defaults());
            deflate.compress(ByteBuffer.wrap(HELLO));
            inflate(deflate, hex("f2 48 cd c9 c9 07 00"));
            assertEquals(deflaters + 1, PerMessageDeflate.liveDeflaters());
            assertEquals(inflaters + 1, PerMessageDeflate.liveInflaters());

            deflate.close();
            deflate.close();

            assertTrue(deflate.isClosed());
            assertEquals(deflaters, PerMessageDeflate.liveDeflaters());
            assertEquals(inflaters, PerMessageDeflate.liveInflaters());
        }

        @Test
        void compressingOrInflatingAfterCloseIsMisuse() {
            PerMessageDeflate deflate = server(DeflateParameters.defaults());
            deflate.close();
            assertThrows(IllegalStateException.class, () -> deflate.compress(ByteBuffer.wrap(HELLO)));
            assertThrows(IllegalStateException.class, () -> inflate(deflate, hex("f2 48 cd c9 c9 07 00")));
        }

        @Test
        void streamsAreCreatedOnlyWhenFirstNeeded() {
            long deflaters = PerMessageDeflate.liveDeflaters();
            long inflaters = PerMessageDeflate.liveInflaters();
            try (PerMessageDeflate deflate = server(DeflateParameters.defaults())) {
                assertFalse(deflate.holdsDeflater());
                assertFalse(deflate.holdsInflater());
                assertEquals(deflaters, PerMessageDeflate.liveDeflaters());
                assertEquals(inflaters, PerMessageDeflate.liveInflaters());
            }
        }

        @Test
        void compressWithoutContextEndsItsOwnDeflater() {
            long deflaters = PerMessageDeflate.liveDeflaters();
            PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(HELLO), 6);
            assertEquals(deflaters, PerMessageDeflate.liveDeflaters());
        }
    }

    @Nested
    class Statistics {

        @Test
        void countsMessagesAndBytesBothWays() throws ProtocolException {
            try (PerMessageDeflate server = server(DeflateParameters.defaults())) {
                server.compress(ByteBuffer.wrap(HELLO));
                server.compressFragment(ByteBuffer.wrap(HELLO), false);
                server.compressFragment(ByteBuffer.wrap(HELLO), true);
                assertEquals(2, server.messagesCompressed());
                assertEquals(15, server.bytesBeforeCompression());
                assertTrue(server.bytesAfterCompression() > 7, "at least the first message's 7 bytes");

                inflate(server, hex("f2 48 cd"), hex("c9 c9 07 00"));
                assertEquals(1, server.messagesInflated());
                assertEquals(7, server.bytesBeforeInflation());
                assertEquals(5, server.bytesAfterInflation());
            }
        }
    }
}
