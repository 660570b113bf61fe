package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

class ConnectionDeflateTest {

    private static final int MASK = 0x37fa213d;
    private static final DeflateOptions ALWAYS = DeflateOptions.defaults().withMinMessageSize(0);

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static PerMessageDeflate deflate(Role role) {
        return new PerMessageDeflate(role, DeflateParameters.defaults(), ALWAYS);
    }

    static Connection server(PerMessageDeflate deflate) {
        return Connection.builder(Role.SERVER).deflate(deflate).build();
    }

    static Connection server(PerMessageDeflate deflate, Limits limits) {
        return Connection.builder(Role.SERVER).limits(limits).deflate(deflate).build();
    }

    static Connection client(PerMessageDeflate deflate) {
        return Connection.builder(Role.CLIENT).maskKeys(MaskKeys.fixed(MASK)).deflate(deflate).build();
    }

    /** Everything the connection queued, as one array. */
    static byte[] drain(Connection connection) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b = connection.pollOutbound(); b != null; b = connection.pollOutbound()) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    static List<Event> events(Connection connection) {
        List<Event> events = new ArrayList<>();
        for (Event e = connection.pollEvent(); e != null; e = connection.pollEvent()) {
            events.add(e);
        }
        return events;
    }

    /** A client frame: masked, with the given first byte's flags. */
    static byte[] clientFrame(boolean fin, int rsv, Opcode opcode, byte[] payload) {
        return FrameEncoder.encode(fin, rsv, opcode, ByteBuffer.wrap(payload), true, MASK);
    }

    /** Decodes the frames a server queued, as a client sees them. */
    static List<Frame> serverFrames(byte[] wire) throws ProtocolException {
        List<Frame> frames = new ArrayList<>();
        FrameDecoder decoder = new FrameDecoder(Role.CLIENT, Integer.MAX_VALUE);
        decoder.allowReservedBits(7);
        decoder.decode(ByteBuffer.wrap(wire), new FrameSink() {
            private boolean fin;
            private int rsv;
            private Opcode opcode;
            private final ByteArrayOutputStream payload = new ByteArrayOutputStream();

            @Override
            public void frameStart(boolean fin, int rsv, Opcode opcode, long length) {
                this.fin = fin;
                this.rsv = rsv;
                this.opcode = opcode;
                payload.reset();
            }

            @Override
            public void framePayload(byte[] bytes, int offset, int length) {
                payload.write(bytes, offset, length);
            }

            @Override
            public boolean frameEnd() {
                frames.add(new Frame(fin, rsv, opcode, payload.toByteArray()));
                return true;
            }
        });
        return frames;
    }

    static byte[] zeroBomb(int inflatedSize) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(new byte[inflatedSize]);
            byte[] out = new byte[inflatedSize / 500 + 1024];
            int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            return Arrays.copyOf(out, n - 4);
        } finally {
            deflater.end();
        }
    }

    @Nested
    class Rfc7692Frames {

        @Test
        void serverSendsHelloAsTheCompressedFrameOfSection7231() {
            Connection server = server(deflate(Role.SERVER));
            server.sendText("Hello");
            assertArrayEquals(hex("c1 07 f2 48 cd c9 c9 07 00"), drain(server));
        }

        @Test
        void serverSendsTheSecondHelloThroughTheSharedWindowAsInSection7232() {
            Connection server = server(deflate(Role.SERVER));
            server.sendText("Hello");
            drain(server);
            server.sendText("Hello");
            assertArrayEquals(hex("c1 05 f2 00 11 00 00"), drain(server));
        }

        @Test
        void clientReceivesEveryExampleOfSection723AtEverySplitOffset() throws ProtocolException {
            List<byte[]> examples = List.of(
                    hex("c1 07 f2 48 cd c9 c9 07 00"),
                    hex("41 03 f2 48 cd 80 04 c9 c9 07 00"),
                    hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"),
                    hex("c1 08 f3 48 cd c9 c9 07 00 00"),
                    hex("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
            for (byte[] example : examples) {
                for (int split = 0; split <= example.length; split++) {
                    Connection client = client(deflate(Role.CLIENT));
                    client.receive(ByteBuffer.wrap(Arrays.copyOfRange(example, 0, split)));
                    client.receive(ByteBuffer.wrap(Arrays.copyOfRange(example, split, example.length)));
                    assertEquals(List.of(new Event.Text("Hello")), events(client),
                            HexFormat.of().formatHex(example) + " split at " + split);
                }
            }
        }

        @Test
        void clientReceivesTheSecondHelloFromTheSharedWindow() throws ProtocolException {
            Connection client = client(deflate(Role.CLIENT));
            client.receive(ByteBuffer.wrap(hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00")));
            assertEquals(List.of(new Event.Text("Hello"), new Event.Text("Hello")), events(client));
        }
    }

    @Nested
    class ReservedBits {

        @Test
        void rsv1OnAContinuationFrameFailsWith1002() {
            Connection server = server(deflate(Role.SERVER));
            byte[] wire = concat(clientFrame(false, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd")),
                    clientFrame(true, Frame.RSV1, Opcode.CONTINUATION, hex("c9 c9 07 00")));
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(wire));
            assertEquals(Violation.COMPRESSED_CONTINUATION, e.violation());
            assertEquals(new Event.Failure(e), server.pollEvent()); // takes effect when polled
            assertEquals(CloseCode.PROTOCOL_ERROR, server.closeCode());
        }

        @Test
        void rsv1OnAControlFrameFailsWith1002() {
            Connection server = server(deflate(Role.SERVER));
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.PING, new byte[0])));
            assertEquals(Violation.RESERVED_BITS, e.violation());
        }

        @Test
        void rsv1WithoutTheExtensionFailsWith1002() {
            Connection server = Connection.server();
            ProtocolException e = Peer.receiveFailing(server,
                    ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"))));
            assertEquals(Violation.RESERVED_BITS, e.violation());
        }

        @Test
        void rsv2StaysReservedWithTheExtension() {
            Connection server = server(deflate(Role.SERVER));
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, 2, Opcode.TEXT, new byte[0])));
            assertEquals(Violation.RESERVED_BITS, e.violation());
        }

        @Test
        void serverReceivesUncompressedMessagesOnACompressingConnection() throws ProtocolException {
            Connection server = server(deflate(Role.SERVER));
            server.receive(ByteBuffer.wrap(concat(
                    clientFrame(true, 0, Opcode.TEXT, "plain".getBytes(StandardCharsets.UTF_8)),
                    clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")),
                    clientFrame(true, 0, Opcode.BINARY, new byte[] {1, 2}))));
            List<Event> events = events(server);
            assertEquals(new Event.Text("plain"), events.get(0));
            assertEquals(new Event.Text("Hello"), events.get(1));
            assertArrayEquals(new byte[] {1, 2}, ((Event.Binary) events.get(2)).data());
        }

        @Test
        void controlFramesMayComeBetweenTheFragmentsOfACompressedMessage() throws ProtocolException {
            Connection server = server(deflate(Role.SERVER));
            server.receive(ByteBuffer.wrap(concat(
                    clientFrame(false, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd")),
                    clientFrame(true, 0, Opcode.PING, "p".getBytes(StandardCharsets.UTF_8)),
                    clientFrame(true, 0, Opcode.CONTINUATION, hex("c9 c9 07 00")))));
            List<Event> events = events(server);
            assertTrue(events.get(0) instanceof Event.Ping);
            assertEquals(new Event.Text("Hello"), events.get(1));
        }
    }

    @Nested
    class LimitsAndBadData {

        @Test
        void aDecompressionBombOfAFewKilobytesFailsWith1009AndDeliversNothing() {
            byte[] bomb = zeroBomb(16 << 20);
            assertTrue(bomb.length < 20_000, "a few KB on the wire: " + bomb.length);
            Connection server = server(deflate(Role.SERVER), Limits.defaults().withMaxMessageSize(64 * 1024));

            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.BINARY, bomb)));

            assertEquals(Violation.MESSAGE_TOO_BIG, e.violation());
            assertEquals(new Event.Failure(e), server.pollEvent()); // the only event: nothing was delivered
            assertEquals(CloseCode.MESSAGE_TOO_BIG, server.closeCode());
            assertNull(server.pollEvent());
            List<Frame> sent = assertDoesNotThrowFrames(drain(server));
            assertEquals(Opcode.CLOSE, sent.get(0).opcode());
            assertEquals(1009, ((sent.get(0).payload()[0] & 0xFF) << 8) | (sent.get(0).payload()[1] & 0xFF));
        }

        @Test
        void aDecompressionBombAllocatesFarLessThanItsInflatedSize() {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                    "per-thread allocation counting is not available on this JVM");
            int inflated = 64 << 20;
            byte[] frame = clientFrame(true, Frame.RSV1, Opcode.BINARY, zeroBomb(inflated));
            Connection server = server(deflate(Role.SERVER), Limits.defaults().withMaxMessageSize(1 << 20));
            long thread = Thread.currentThread().threadId();

            long before = threads.getThreadAllocatedBytes(thread);
            Peer.receiveFailing(server, ByteBuffer.wrap(frame));
            long allocated = threads.getThreadAllocatedBytes(thread) - before;

            // The limit is 1 MiB: the reassembly buffer grows by doubling up to it (under 2 MiB of
            // arrays in all), plus one 8 KiB chunk. Inflating the bomb would need 64 MiB.
            assertTrue(allocated < 4L << 20, "allocated " + allocated + " bytes for a " + inflated + "-byte bomb");
        }

        @Test
        void aCompressedMessageOfExactlyTheLimitIsDelivered() throws ProtocolException {
            byte[] message = new byte[10_000];
            Arrays.fill(message, (byte) 'x');
            byte[] payload = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(message), 6);
            Connection server = server(deflate(Role.SERVER), Limits.defaults().withMaxMessageSize(10_000));
            server.receive(ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.BINARY, payload)));
            assertArrayEquals(message, ((Event.Binary) server.pollEvent()).data());
        }

        @Test
        void aCompressedMessageOneByteOverTheLimitFailsWith1009() {
            byte[] message = new byte[10_001];
            byte[] payload = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(message), 6);
            Connection server = server(deflate(Role.SERVER), Limits.defaults().withMaxMessageSize(10_000));
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.BINARY, payload)));
            assertEquals(Violation.MESSAGE_TOO_BIG, e.violation());
        }

        @Test
        void invalidDeflateDataFailsWith1007() {
            Connection server = server(deflate(Role.SERVER));
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("07 ff ff ff"))));
            assertEquals(Violation.INVALID_COMPRESSED_DATA, e.violation());
            assertEquals(new Event.Failure(e), server.pollEvent());
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, server.closeCode());
        }

        @Test
        void invalidUtf8InACompressedTextFailsAtTheFirstFragmentWithIt() {
            PerMessageDeflate sender = deflate(Role.CLIENT);
            byte[] first = sender.compressFragment(ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xC0, (byte) 0x80}), false);
            Connection server = server(deflate(Role.SERVER));
            // The final fragment never arrives: the first one is enough to fail.
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(false, Frame.RSV1, Opcode.TEXT, first)));
            assertEquals(Violation.INVALID_UTF8, e.violation());
            sender.close();
        }

        @Test
        void aCompressedTextEndingInsideACharacterFailsWith1007() {
            byte[] payload = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(new byte[] {'a', (byte) 0xE2, (byte) 0x82}), 6);
            Connection server = server(deflate(Role.SERVER));
            ProtocolException e = Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.TEXT, payload)));
            assertEquals(Violation.INVALID_UTF8, e.violation());
        }
    }

    @Nested
    class Sending {

        @Test
        void messagesUnderTheMinimumSizeGoOutUncompressed() throws ProtocolException {
            Connection server = server(new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(),
                    DeflateOptions.defaults().withMinMessageSize(6)));
            server.sendText("Hello");
            server.sendText("Hello!");
            List<Frame> frames = serverFrames(drain(server));
            assertEquals(Frame.of(Opcode.TEXT, "Hello".getBytes(StandardCharsets.UTF_8)), frames.get(0));
            assertEquals(Frame.RSV1, frames.get(1).rsv());
        }

        @Test
        void controlFramesAreNeverCompressed() throws ProtocolException {
            Connection server = server(deflate(Role.SERVER));
            byte[] ping = new byte[125];
            server.sendPing(ByteBuffer.wrap(ping));
            server.sendPong(ByteBuffer.wrap(ping));
            server.close(CloseCode.NORMAL_CLOSURE, "x".repeat(100));
            for (Frame frame : serverFrames(drain(server))) {
                assertEquals(0, frame.rsv(), frame.toString());
            }
        }

        @Test
        void aFragmentedMessageIsOneStreamWithRsv1OnItsFirstFrameOnly() throws ProtocolException {
            Connection server = server(deflate(Role.SERVER));
            server.sendFrame(Opcode.TEXT, ByteBuffer.wrap("Hel".getBytes(StandardCharsets.UTF_8)), false);
            server.sendFrame(Opcode.CONTINUATION, ByteBuffer.wrap("lo".getBytes(StandardCharsets.UTF_8)), true);
            byte[] wire = drain(server);
            List<Frame> frames = serverFrames(wire);
            assertEquals(Frame.RSV1, frames.get(0).rsv());
            assertEquals(0, frames.get(1).rsv());

            Connection client = client(deflate(Role.CLIENT));
            client.receive(ByteBuffer.wrap(wire));
            assertEquals(List.of(new Event.Text("Hello")), events(client));
        }

        @Test
        void aSingleFinalFrameIsAWholeMessageSoTheMinimumSizeApplies() throws ProtocolException {
            Connection server = server(new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(),
                    DeflateOptions.defaults().withMinMessageSize(6)));
            server.sendFrame(Opcode.TEXT, ByteBuffer.wrap("Hello".getBytes(StandardCharsets.UTF_8)), true);
            server.sendFrame(Opcode.TEXT, ByteBuffer.wrap("Hello!".getBytes(StandardCharsets.UTF_8)), true);
            List<Frame> frames = serverFrames(drain(server));
            assertEquals(0, frames.get(0).rsv());
            assertEquals(Frame.RSV1, frames.get(1).rsv());
        }

        @Test
        void aClientCompressesThenMasks() throws ProtocolException {
            Connection client = client(deflate(Role.CLIENT));
            client.sendText("Hello");
            byte[] wire = drain(client);
            assertArrayEquals(FrameEncoder.encode(true, Frame.RSV1, Opcode.TEXT,
                    ByteBuffer.wrap(hex("f2 48 cd c9 c9 07 00")), true, MASK), wire);

            Connection server = server(deflate(Role.SERVER));
            server.receive(ByteBuffer.wrap(wire));
            assertEquals(List.of(new Event.Text("Hello")), events(server));
        }

        @Test
        void binaryMessagesAreCompressedToo() throws ProtocolException {
            Connection server = server(deflate(Role.SERVER));
            byte[] data = new byte[4000];
            server.sendBinary(ByteBuffer.wrap(data));
            byte[] wire = drain(server);
            assertTrue(wire.length < 100, "4000 zero bytes compress: " + wire.length);
            Connection client = client(deflate(Role.CLIENT));
            client.receive(ByteBuffer.wrap(wire));
            assertArrayEquals(data, ((Event.Binary) client.pollEvent()).data());
        }

        @Test
        void compressesWithANegotiatedExtensionWhateverTheAgreedWindow() {
            assertTrue(server(deflate(Role.SERVER)).compresses());
            assertFalse(Connection.server().compresses());
            Connection limited = server(new PerMessageDeflate(Role.SERVER, new DeflateParameters(false, false, 9, 15), ALWAYS));
            assertTrue(limited.compresses());
            limited.sendText("Hello");
            assertArrayEquals(hex("c1 07 f2 48 cd c9 c9 07 00"), drain(limited), "compressed within a 9-bit window");
        }
    }

    @Nested
    class ChatTraffic {

        /** 200 chat messages like the chat app's: {"user":..,"text":..,"time":..}, 88 bytes on average. */
        private List<String> chatMessages() {
            java.util.Random random = new java.util.Random(42);
            String[] users = {"alice", "bob", "carol", "dave", "erin"};
            String[] words = "hello there how are you doing today the meeting is at noon see you later thanks great idea ok sure"
                    .split(" ");
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                StringBuilder text = new StringBuilder();
                for (int w = 3 + random.nextInt(12); w > 0; w--) {
                    text.append(words[random.nextInt(words.length)]).append(w > 1 ? " " : "");
                }
                messages.add("{\"user\":\"" + users[random.nextInt(users.length)] + "\",\"text\":\"" + text
                        + "\",\"time\":" + (1_763_700_000_000L + i * 1234L) + "}");
            }
            return messages;
        }

        private long wireBytes(Connection server, List<String> messages) {
            long total = 0;
            for (String message : messages) {
                server.sendText(message);
                total += drain(server).length;
            }
            return total;
        }

        @Test
        void chatJsonShrinksSeveralFoldWithContextTakeoverAndArrivesIntact() throws ProtocolException {
            List<String> messages = chatMessages();
            Connection plain = Connection.server();
            Connection compressing = server(new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults()));
            long uncompressed = wireBytes(plain, messages);

            Connection client = client(deflate(Role.CLIENT));
            long compressed = 0;
            for (String message : messages) {
                compressing.sendText(message);
                byte[] wire = drain(compressing);
                compressed += wire.length;
                client.receive(ByteBuffer.wrap(wire));
                assertEquals(new Event.Text(message), client.pollEvent());
            }
            // Measured: 18152 -> 5214 bytes (3.5x) with zlib level 6.
            assertTrue(compressed * 3 < uncompressed, uncompressed + " -> " + compressed + " bytes");
        }

        @Test
        void withoutContextTakeoverSmallMessagesGainLittle() {
            List<String> messages = chatMessages();
            long uncompressed = wireBytes(Connection.server(), messages);
            long compressed = wireBytes(server(new PerMessageDeflate(Role.SERVER, new DeflateParameters(true, true, 15, 15),
                    DeflateOptions.defaults())), messages);
            // Measured: 18152 -> 15970 bytes (1.14x): each message starts with an empty window.
            assertTrue(compressed < uncompressed && compressed * 2 > uncompressed, uncompressed + " -> " + compressed + " bytes");
        }
    }

    @Nested
    class PreEncodedFrames {

        @Test
        void anUncompressedEncodedFrameGoesOutOnACompressingConnection() {
            Connection server = server(deflate(Role.SERVER));
            byte[] frame = FrameEncoder.encode(Frame.of(Opcode.TEXT, "Hello".getBytes(StandardCharsets.UTF_8)));
            server.sendEncoded(ByteBuffer.wrap(frame));
            assertArrayEquals(frame, drain(server));
        }

        @Test
        void aCompressedEncodedFrameNeedsACompressingConnection() {
            byte[] frame = hex("c1 07 f2 48 cd c9 c9 07 00");
            Connection plain = Connection.server();
            assertThrows(IllegalStateException.class, () -> plain.sendEncoded(ByteBuffer.wrap(frame)));
        }

        @Test
        void aCompressedEncodedFrameMakesTheConnectionsNextMessageStartWithAnEmptyWindow() throws ProtocolException {
            Connection server = server(deflate(Role.SERVER));
            server.sendText("Hello");
            byte[] payload = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap("World".getBytes(StandardCharsets.UTF_8)), 6);
            byte[] frame = FrameEncoder.encode(true, Frame.RSV1, Opcode.TEXT, ByteBuffer.wrap(payload), false, 0);
            server.sendEncoded(ByteBuffer.wrap(frame));
            server.sendText("Hello");
            byte[] wire = drain(server);
            List<Frame> frames = serverFrames(wire);
            assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), frames.get(2).payload(), "no reference to the first Hello");

            Connection client = client(deflate(Role.CLIENT));
            client.receive(ByteBuffer.wrap(wire));
            assertEquals(List.of(new Event.Text("Hello"), new Event.Text("World"), new Event.Text("Hello")), events(client));
        }
    }

    @Nested
    class Release {

        @Test
        void theCloseHandshakeReleasesZlibMemory() throws ProtocolException {
            PerMessageDeflate deflate = deflate(Role.SERVER);
            Connection server = server(deflate);
            server.receive(ByteBuffer.wrap(concat(
                    clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")),
                    clientFrame(true, 0, Opcode.CLOSE, hex("03 e8")))));
            // Until the Close event behind it is polled the caller may still answer the message, compressed.
            assertEquals(new Event.Text("Hello"), server.pollEvent());
            server.sendText("Hello");
            assertFalse(deflate.isClosed());
            assertTrue(server.pollEvent() instanceof Event.Close);
            assertEquals(Connection.State.CLOSED, server.state());
            assertTrue(deflate.isClosed());
            assertEquals(new Frame(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")), serverFrames(drain(server)).get(0));
        }

        @Test
        void aCloseThisSideStartedReleasesWhenThePeerAnswers() throws ProtocolException {
            PerMessageDeflate deflate = deflate(Role.SERVER);
            Connection server = server(deflate);
            server.close(CloseCode.NORMAL_CLOSURE, "");
            assertFalse(deflate.isClosed());
            server.receive(ByteBuffer.wrap(clientFrame(true, 0, Opcode.CLOSE, hex("03 e8"))));
            server.pollEvent();
            assertTrue(deflate.isClosed());
        }

        @Test
        void aFailureAfterAMessageReleasesOnceTheMessageIsPolledSoItsAnswerCanStillBeCompressed() throws ProtocolException {
            PerMessageDeflate deflate = deflate(Role.SERVER);
            Connection server = server(deflate);
            byte[] wire = concat(clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")),
                    clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("07 ff ff ff")));
            Peer.receiveFailing(server, ByteBuffer.wrap(wire));
            assertEquals(new Event.Text("Hello"), server.pollEvent());
            server.sendText("Hello");
            assertFalse(deflate.isClosed());
            assertInstanceOf(Event.Failure.class, server.pollEvent());
            assertTrue(deflate.isClosed());
            List<Frame> frames = serverFrames(drain(server));
            assertEquals(new Frame(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")), frames.get(0));
            assertEquals(Opcode.CLOSE, frames.get(1).opcode());
        }

        @Test
        void aProtocolFailureReleasesZlibMemory() {
            PerMessageDeflate deflate = deflate(Role.SERVER);
            Connection server = server(deflate);
            Peer.receiveFailing(server, ByteBuffer.wrap(clientFrame(true, Frame.RSV1, Opcode.TEXT, hex("07 ff ff ff"))));
            assertInstanceOf(Event.Failure.class, server.pollEvent());
            assertTrue(deflate.isClosed());
        }

        @Test
        void anAbruptTransportEndReleasesZlibMemory() throws ProtocolException {
            long deflaters = PerMessageDeflate.liveDeflaters();
            long inflaters = PerMessageDeflate.liveInflaters();
            PerMessageDeflate deflate = deflate(Role.SERVER);
            Connection server = server(deflate);
            server.sendText("Hello");
            // Half a compressed message, then the peer vanishes.
            server.receive(ByteBuffer.wrap(clientFrame(false, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd"))));
            assertEquals(deflaters + 1, PerMessageDeflate.liveDeflaters());
            assertEquals(inflaters + 1, PerMessageDeflate.liveInflaters());

            server.transportClosed();

            assertTrue(deflate.isClosed());
            assertEquals(deflaters, PerMessageDeflate.liveDeflaters());
            assertEquals(inflaters, PerMessageDeflate.liveInflaters());
        }

        @Test
        void releaseIsIdempotentAndLaterMessagesGoOutUncompressed() {
            PerMessageDeflate deflate = deflate(Role.SERVER);
            Connection server = server(deflate);
            server.release();
            server.release();
            assertTrue(deflate.isClosed());
            assertFalse(server.compresses());
            server.sendText("Hello");
            assertArrayEquals(hex("81 05 48 65 6c 6c 6f"), drain(server));
        }
    }

    private static List<Frame> assertDoesNotThrowFrames(byte[] wire) {
        try {
            return serverFrames(wire);
        } catch (ProtocolException e) {
            throw new AssertionError("the server's own frames decode", e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
