package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.protocol.Peer.binary;
import static org.wsbyhand.protocol.Peer.close;
import static org.wsbyhand.protocol.Peer.ping;
import static org.wsbyhand.protocol.Peer.pong;
import static org.wsbyhand.protocol.Peer.text;
import static org.wsbyhand.protocol.Peer.wire;
import static org.wsbyhand.protocol.Wire.concat;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionTest {

    private static final byte[] NONE = new byte[0];

    private static Connection server() {
        return Connection.server();
    }

    private static Connection client() {
        return Connection.builder(Role.CLIENT).maskKeys(MaskKeys.fixed(RfcExamples.MASK_KEY)).build();
    }

    private static Connection connection(Role role, Limits limits) {
        return Connection.builder(role).limits(limits).maskKeys(MaskKeys.fixed(RfcExamples.MASK_KEY)).build();
    }

    private static Connection connection(Role role) {
        return connection(role, Limits.defaults());
    }

    /** Feeds each part as its own buffer (a fresh copy: the connection unmasks in place). */
    private static void receive(Connection connection, byte[]... parts) {
        for (byte[] part : parts) {
            ByteBuffer buffer = ByteBuffer.wrap(part.clone());
            connection.receive(buffer);
            assertFalse(buffer.hasRemaining(), "receive left bytes unread");
        }
    }

    /**
     * Feeds the parts, which must end the events with a failure; returns its exception without
     * polling anything (the events before it are still there).
     */
    private static ProtocolException receiveFailing(Connection connection, byte[]... parts) {
        receive(connection, parts);
        Event.Failure failure = assertInstanceOf(Event.Failure.class, connection.lastEvent(), "no failure event");
        assertTrue(connection.state() != Connection.State.CLOSED, "a failure took effect before it was polled");
        return failure.exception();
    }

    /** The one frame the connection queued, which must be a close frame. */
    private static Frame onlyCloseFrame(Connection connection) {
        List<Frame> sent = Peer.sent(connection);
        assertEquals(1, sent.size(), "expected exactly one close frame, got " + sent);
        assertEquals(Opcode.CLOSE, sent.get(0).opcode());
        return sent.get(0);
    }

    /**
     * Feeds {@code wire} to a new connection of {@code role} in every chunking and checks the events
     * and the exact bytes queued in reply.
     */
    private static void assertReceivesEveryChunking(Role role, byte[] wire, byte[] expectedReply, String... expectedEvents)
            throws ProtocolException {
        assertReceives(Wire.everyChunking(wire), role, expectedReply, expectedEvents);
    }

    private static void assertReceives(List<Wire.Chunking> chunkings, Role role, byte[] expectedReply,
            String... expectedEvents) throws ProtocolException {
        for (Wire.Chunking chunking : chunkings) {
            Connection connection = connection(role);
            for (ByteBuffer buffer : chunking.buffers()) {
                connection.receive(buffer);
            }
            assertEquals(List.of(expectedEvents), Peer.events(connection), chunking.name());
            assertEquals(hex(expectedReply), hex(Wire.drain(connection)), chunking.name());
        }
    }

    private static ProtocolException assertFailsWith(Violation violation, Connection connection, byte[]... parts) {
        ProtocolException e = receiveFailing(connection, parts);
        assertEquals(violation, e.violation());
        if (connection.pendingEvents() == 1) {
            // With no earlier event to answer, the failure is the next event and takes effect when polled.
            assertEquals(new Event.Failure(e), connection.pollEvent());
            assertEquals(Connection.State.CLOSED, connection.state());
            assertEquals(Connection.Ending.FAILURE, connection.ending());
            assertEquals(e.closeCode(), connection.closeCode());
        }
        return e;
    }

    // ==================================================================================== RFC 5.7

    @Nested
    class RfcSectionFiveSevenExamplesReceived {

        @Test
        void clientReceivesSingleFrameUnmaskedText() throws ProtocolException {
            assertReceivesEveryChunking(Role.CLIENT, RfcExamples.UNMASKED_TEXT, NONE, text("Hello"));
        }

        @Test
        void serverReceivesSingleFrameMaskedText() throws ProtocolException {
            assertReceivesEveryChunking(Role.SERVER, RfcExamples.MASKED_TEXT, NONE, text("Hello"));
        }

        @Test
        void clientReassemblesFragmentedUnmaskedText() throws ProtocolException {
            assertReceivesEveryChunking(Role.CLIENT, concat(RfcExamples.FRAGMENT_HEL, RfcExamples.FRAGMENT_LO), NONE,
                    text("Hello"));
        }

        @Test
        void clientAnswersTheUnmaskedPingWithTheMaskedPongOfTheExample() throws ProtocolException {
            assertReceivesEveryChunking(Role.CLIENT, RfcExamples.UNMASKED_PING, RfcExamples.MASKED_PONG,
                    ping(RfcExamples.HELLO));
        }

        @Test
        void serverReceivesMaskedPongWithoutAnswering() throws ProtocolException {
            assertReceivesEveryChunking(Role.SERVER, RfcExamples.MASKED_PONG, NONE, pong(RfcExamples.HELLO));
        }

        @Test
        void clientReceivesBinaryWithSixteenBitLength() throws ProtocolException {
            assertReceivesEveryChunking(Role.CLIENT, RfcExamples.BINARY_256, NONE, binary(RfcExamples.PAYLOAD_256));
        }

        @Test
        void clientReceivesBinaryWithSixtyFourBitLength() throws ProtocolException {
            assertReceives(Wire.edgeChunkings(RfcExamples.BINARY_65536, 16), Role.CLIENT, NONE,
                    binary(RfcExamples.PAYLOAD_65536));
        }
    }

    @Nested
    class RfcSectionFiveSevenExamplesSent {

        @Test
        void clientSendsSingleFrameMaskedText() {
            Connection client = client();
            client.sendText("Hello");
            assertArrayEquals(RfcExamples.MASKED_TEXT, Wire.drain(client));
        }

        @Test
        void serverSendsSingleFrameUnmaskedText() {
            Connection server = server();
            server.sendText("Hello");
            assertArrayEquals(RfcExamples.UNMASKED_TEXT, Wire.drain(server));
        }

        @Test
        void serverSendsFragmentedUnmaskedText() {
            Connection server = server();
            server.sendFrame(Opcode.TEXT, ByteBuffer.wrap(hex("48656c")), false);
            server.sendFrame(Opcode.CONTINUATION, ByteBuffer.wrap(hex("6c6f")), true);
            assertArrayEquals(concat(RfcExamples.FRAGMENT_HEL, RfcExamples.FRAGMENT_LO), Wire.drain(server));
        }

        @Test
        void serverSendsUnmaskedPing() {
            Connection server = server();
            server.sendPing(ByteBuffer.wrap(RfcExamples.HELLO));
            assertArrayEquals(RfcExamples.UNMASKED_PING, Wire.drain(server));
        }

        @Test
        void clientSendsMaskedPong() {
            Connection client = client();
            client.sendPong(ByteBuffer.wrap(RfcExamples.HELLO));
            assertArrayEquals(RfcExamples.MASKED_PONG, Wire.drain(client));
        }

        @Test
        void serverSendsBinaryWithSixteenBitLength() {
            Connection server = server();
            server.sendBinary(ByteBuffer.wrap(RfcExamples.PAYLOAD_256));
            assertArrayEquals(RfcExamples.BINARY_256, Wire.drain(server));
        }

        @Test
        void serverSendsBinaryWithSixtyFourBitLength() {
            Connection server = server();
            server.sendBinary(ByteBuffer.wrap(RfcExamples.PAYLOAD_65536));
            assertArrayEquals(RfcExamples.BINARY_65536, Wire.drain(server));
        }
    }

    // ================================================================================ reassembly

    @Nested
    class MessageReassembly {

        @ParameterizedTest
        @EnumSource(Role.class)
        void textWithPingAndPongBetweenFragmentsIsReassembled(Role role) throws ProtocolException {
            byte[] stream = concat(
                    Peer.text(role, false, "He"),
                    wire(role, true, Opcode.PING, hex("0102")),
                    wire(role, false, Opcode.CONTINUATION, "l".getBytes(StandardCharsets.UTF_8)),
                    wire(role, true, Opcode.PONG, hex("03")),
                    wire(role, true, Opcode.CONTINUATION, "lo".getBytes(StandardCharsets.UTF_8)));
            for (Wire.Chunking chunking : Wire.everyChunking(stream)) {
                Connection connection = connection(role);
                for (ByteBuffer buffer : chunking.buffers()) {
                    connection.receive(buffer);
                }
                assertEquals(List.of(ping(hex("0102")), pong(hex("03")), text("Hello")), Peer.events(connection),
                        chunking.name());
                assertEquals(List.of(Frame.of(Opcode.PONG, hex("0102"))), Peer.sent(connection), chunking.name());
            }
        }

        @Test
        void binaryFragmentsIncludingEmptyOnesAreReassembled() throws ProtocolException {
            Connection server = server();
            receive(server,
                    wire(Role.SERVER, false, Opcode.BINARY, NONE),
                    wire(Role.SERVER, false, Opcode.CONTINUATION, hex("0001")),
                    wire(Role.SERVER, false, Opcode.CONTINUATION, NONE),
                    wire(Role.SERVER, true, Opcode.CONTINUATION, hex("02")));
            assertEquals(List.of(binary(hex("000102"))), Peer.events(server));
        }

        @Test
        void messagesFollowingAFragmentedMessageStartAfresh() throws ProtocolException {
            Connection client = client();
            receive(client,
                    Peer.text(Role.CLIENT, false, "ab"),
                    wire(Role.CLIENT, true, Opcode.CONTINUATION, "cd".getBytes(StandardCharsets.UTF_8)),
                    wire(Role.CLIENT, true, Opcode.BINARY, hex("ff")),
                    Peer.text(Role.CLIENT, true, "x"));
            assertEquals(List.of(text("abcd"), binary(hex("ff")), text("x")), Peer.events(client));
        }

        @Test
        void emptyMessagesAreDelivered() throws ProtocolException {
            Connection server = server();
            receive(server, Peer.text(Role.SERVER, true, ""), wire(Role.SERVER, true, Opcode.BINARY, NONE),
                    Peer.text(Role.SERVER, false, ""), wire(Role.SERVER, true, Opcode.CONTINUATION, NONE));
            assertEquals(List.of(text(""), binary(NONE), text("")), Peer.events(server));
        }

        @Test
        void largeFragmentedMessageIsReassembledInOrder() throws ProtocolException {
            byte[] message = Wire.randomBytes(300_000, 11);
            Connection server = server();
            receive(server,
                    wire(Role.SERVER, false, Opcode.BINARY, Arrays.copyOfRange(message, 0, 1)),
                    wire(Role.SERVER, false, Opcode.CONTINUATION, Arrays.copyOfRange(message, 1, 100_000)),
                    wire(Role.SERVER, true, Opcode.CONTINUATION, Arrays.copyOfRange(message, 100_000, 300_000)));
            Event.Binary event = (Event.Binary) server.pollEvent();
            assertArrayEquals(message, event.data());
            assertTrue(server.reassemblyCapacity() <= Limits.DEFAULT_MAX_MESSAGE_SIZE);
        }

        @Test
        void binaryEventsOwnTheirArrays() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, true, Opcode.BINARY, hex("01")), wire(Role.SERVER, true, Opcode.BINARY, hex("02")));
            Event.Binary first = (Event.Binary) server.pollEvent();
            Event.Binary second = (Event.Binary) server.pollEvent();
            assertArrayEquals(hex("01"), first.data());
            assertArrayEquals(hex("02"), second.data());
        }

        @Test
        void eventsDecodedBeforeAViolationCanStillBePolled() {
            Connection server = server();
            assertFailsWith(Violation.RESERVED_OPCODE, server, concat(Peer.text(Role.SERVER, true, "first"), hex("83 80")));
            assertEquals(List.of(text("first"), Peer.failure(Violation.RESERVED_OPCODE)), Peer.events(server));
            assertEquals(Connection.State.CLOSED, server.state());
        }

        @Test
        void answersToEventsDecodedBeforeAViolationGoOutBeforeTheCloseFrame() throws ProtocolException {
            Connection server = server();
            ProtocolException e = assertFailsWith(Violation.RESERVED_OPCODE, server,
                    concat(Peer.text(Role.SERVER, true, "first"), hex("83 80")));
            Event first = server.pollEvent();
            assertEquals(Connection.State.OPEN, server.state(), "open until the caller polls the failure");
            server.sendText(((Event.Text) first).text());
            assertEquals(new Event.Failure(e), server.pollEvent());
            assertEquals(Connection.State.CLOSED, server.state());
            List<Frame> sent = Peer.sent(server);
            assertEquals(List.of(Opcode.TEXT, Opcode.CLOSE), sent.stream().map(Frame::opcode).toList());
            assertEquals(1002, Peer.closeCode(sent.get(1)));
        }

        @Test
        void answersToEventsDecodedBeforeThePeersCloseGoOutBeforeTheEcho() throws ProtocolException {
            Connection server = server();
            receive(server, Peer.text(Role.SERVER, true, "last words"), Peer.close(Role.SERVER, 1000, ""));
            Event last = server.pollEvent();
            assertEquals(Connection.State.OPEN, server.state());
            server.sendText(((Event.Text) last).text());
            assertEquals(close(1000, ""), Peer.describe(server.pollEvent()));
            assertEquals(Connection.State.CLOSED, server.state());
            assertEquals(List.of(Opcode.TEXT, Opcode.CLOSE), Peer.sent(server).stream().map(Frame::opcode).toList());
        }
    }

    @Nested
    class InputBuffers {

        @Test
        void directInputIsDecodedWithoutUnmaskingInPlace() throws ProtocolException {
            String text = "ü€😀".repeat(2000); // 18000 bytes: scratch chunks of the decoder cut characters
            byte[] frame = Peer.text(Role.SERVER, true, text);
            ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
            Connection server = server();
            server.receive(direct);
            assertFalse(direct.hasRemaining());
            assertEquals(List.of(text(text)), Peer.events(server));
            byte[] after = new byte[frame.length];
            direct.flip().get(after);
            assertArrayEquals(frame, after, "direct input changed");
        }

        @Test
        void readOnlyInputIsDecodedAndLeftUnchanged() throws ProtocolException {
            byte[] frame = RfcExamples.MASKED_TEXT.clone();
            Connection server = server();
            server.receive(ByteBuffer.wrap(frame).asReadOnlyBuffer());
            assertEquals(List.of(text("Hello")), Peer.events(server));
            assertArrayEquals(RfcExamples.MASKED_TEXT, frame);
        }

        @Test
        void invalidUtf8FarIntoADirectBufferIsStillFound() {
            byte[] payload = new byte[20_000];
            Arrays.fill(payload, (byte) 'a');
            payload[15_000] = (byte) 0xC0;
            byte[] frame = wire(Role.SERVER, true, Opcode.TEXT, payload);
            Connection server = server();
            ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
            server.receive(direct);
            Event.Failure failure = assertInstanceOf(Event.Failure.class, server.pollEvent());
            assertEquals(Violation.INVALID_UTF8, failure.violation());
        }

        @Test
        void peersCloseInAnyChunkingIsEchoed() throws ProtocolException {
            byte[] stream = concat(Peer.close(Role.SERVER, 4000, "going"), Peer.text(Role.SERVER, true, "after"));
            byte[] echo = FrameEncoder.encode(Frame.of(Opcode.CLOSE, hex("0fa0")));
            assertReceivesEveryChunking(Role.SERVER, stream, echo, close(4000, "going"));
        }
    }

    // ===================================================================================== pings

    @Nested
    class AutomaticPong {

        @Test
        void serverAnswersPingWithUnmaskedPongOfTheSamePayload() throws ProtocolException {
            byte[] payload = Wire.counting(125);
            Connection server = server();
            receive(server, wire(Role.SERVER, true, Opcode.PING, payload));
            assertEquals(List.of(ping(payload)), Peer.events(server));
            assertArrayEquals(FrameEncoder.encode(Frame.of(Opcode.PONG, payload)), Wire.drain(server));
        }

        @Test
        void clientAnswersPingWithPongMaskedWithItsKey() throws ProtocolException {
            byte[] payload = Wire.counting(125);
            Connection client = client();
            receive(client, wire(Role.CLIENT, true, Opcode.PING, payload));
            assertArrayEquals(FrameEncoder.encodeMasked(Frame.of(Opcode.PONG, payload), RfcExamples.MASK_KEY),
                    Wire.drain(client));
        }

        @Test
        void emptyPingGetsEmptyPong() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, true, Opcode.PING, NONE));
            assertEquals(List.of(Frame.of(Opcode.PONG, NONE)), Peer.sent(server));
        }

        @Test
        void everyPingIsAnsweredInOrder() throws ProtocolException {
            Connection server = server();
            receive(server, concat(wire(Role.SERVER, true, Opcode.PING, hex("01")), wire(Role.SERVER, true, Opcode.PING, hex("02"))));
            assertEquals(List.of(Frame.of(Opcode.PONG, hex("01")), Frame.of(Opcode.PONG, hex("02"))), Peer.sent(server));
        }

        @Test
        void pongIsReportedButNotAnswered() throws ProtocolException {
            Connection client = client();
            receive(client, wire(Role.CLIENT, true, Opcode.PONG, hex("abcd")));
            assertEquals(List.of(pong(hex("abcd"))), Peer.events(client));
            assertFalse(client.hasOutbound());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void pingAfterOurCloseIsStillAnswered(Role role) throws ProtocolException {
            // RFC 6455 5.5.2: a ping MUST be answered "unless it already received a Close frame";
            // having sent one is no exemption, and a pong is no data frame (5.5.1).
            Connection connection = connection(role);
            connection.close(CloseCode.NORMAL_CLOSURE, "");
            Wire.drain(connection);
            receive(connection, wire(role, true, Opcode.PING, hex("01")));
            assertEquals(List.of(ping(hex("01"))), Peer.events(connection));
            assertEquals(List.of(Frame.of(Opcode.PONG, hex("01"))), Peer.sent(connection));
            assertEquals(Connection.State.CLOSE_SENT, connection.state());
        }

        @Test
        void pingInTheSameBufferAfterThePeersCloseIsNotAnswered() throws ProtocolException {
            Connection server = server();
            receive(server, concat(Peer.close(Role.SERVER, 1000, ""), wire(Role.SERVER, true, Opcode.PING, hex("01"))));
            assertEquals(List.of(close(1000, "")), Peer.events(server));
            assertEquals(List.of(Opcode.CLOSE), Peer.sent(server).stream().map(Frame::opcode).toList());
        }
    }

    // ============================================================================ fragment order

    @Nested
    class FragmentOrder {

        @ParameterizedTest
        @EnumSource(Role.class)
        void continuationWithoutAMessageIsUnexpected(Role role) {
            Connection connection = connection(role);
            ProtocolException e = assertFailsWith(Violation.UNEXPECTED_CONTINUATION, connection,
                    wire(role, true, Opcode.CONTINUATION, hex("41")));
            assertEquals(CloseCode.PROTOCOL_ERROR, e.closeCode());
            assertEquals(1002, Peer.closeCode(onlyCloseFrame(connection)));
        }

        @Test
        void continuationAfterACompleteMessageIsUnexpected() {
            Connection server = server();
            assertFailsWith(Violation.UNEXPECTED_CONTINUATION, server, Peer.text(Role.SERVER, true, "done"),
                    wire(Role.SERVER, true, Opcode.CONTINUATION, hex("41")));
        }

        @ParameterizedTest
        @EnumSource(value = Opcode.class, names = {"TEXT", "BINARY"})
        void newDataFrameInsideAFragmentedMessageExpectedContinuation(Opcode opcode) {
            Connection server = server();
            assertFailsWith(Violation.EXPECTED_CONTINUATION, server, Peer.text(Role.SERVER, false, "part"),
                    wire(Role.SERVER, true, opcode, hex("41")));
            assertEquals(1002, Peer.closeCode(onlyCloseFrame(server)));
        }

        @Test
        void newDataFrameIsRejectedFromItsHeaderBeforeItsPayload() {
            Connection client = client();
            byte[] second = wire(Role.CLIENT, true, Opcode.BINARY, Wire.counting(50));
            assertFailsWith(Violation.EXPECTED_CONTINUATION, client, wire(Role.CLIENT, false, Opcode.BINARY, hex("00")),
                    Arrays.copyOf(second, 2));
        }
    }

    // ===================================================================================== UTF-8

    @Nested
    class Utf8Validation {

        @Test
        void invalidByteFailsBeforeTheRestOfTheFrameArrives() {
            byte[] payload = concat("He".getBytes(StandardCharsets.US_ASCII), hex("ff"), Wire.counting(97));
            byte[] frame = wire(Role.SERVER, true, Opcode.TEXT, payload);
            Connection server = server();
            // Header (2 + 4 mask bytes) and the three payload bytes up to the invalid one; 97 bytes never sent.
            ProtocolException e = assertFailsWith(Violation.INVALID_UTF8, server, Arrays.copyOf(frame, 6 + 3));
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, e.closeCode());
            assertEquals(1007, Peer.closeCode(onlyCloseFrame(server)));
            assertTrue(Peer.events(server).isEmpty());
        }

        @Test
        void validPrefixOfAFrameDoesNotFail() throws ProtocolException {
            byte[] payload = concat("He".getBytes(StandardCharsets.US_ASCII), hex("e2 82"));
            Connection client = client();
            byte[] frame = wire(Role.CLIENT, true, Opcode.TEXT, concat(payload, hex("ac")));
            receive(client, Arrays.copyOf(frame, frame.length - 1));
            assertTrue(client.isOpen());
            receive(client, Arrays.copyOfRange(frame, frame.length - 1, frame.length));
            assertEquals(List.of(text("He€")), Peer.events(client));
        }

        @Test
        void invalidSequenceAcrossAFragmentBoundaryFailsAtItsFirstBadByte() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, false, Opcode.TEXT, hex("61 e2 82")));
            byte[] second = wire(Role.SERVER, true, Opcode.CONTINUATION, hex("28 61 62 63"));
            assertFailsWith(Violation.INVALID_UTF8, server, Arrays.copyOf(second, 6 + 1));
            assertEquals(1007, Peer.closeCode(onlyCloseFrame(server)));
        }

        @Test
        void surrogateSplitAcrossFragmentsFailsAtItsSecondByte() throws ProtocolException {
            Connection client = client();
            receive(client, wire(Role.CLIENT, false, Opcode.TEXT, hex("ed")));
            assertFailsWith(Violation.INVALID_UTF8, client, Arrays.copyOf(wire(Role.CLIENT, true, Opcode.CONTINUATION,
                    hex("a0 80 41 41")), 3));
        }

        @Test
        void invalidByteAfterAPingBetweenFragmentsStillFails() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, false, Opcode.TEXT, hex("f0 9f")), wire(Role.SERVER, true, Opcode.PING, NONE));
            assertFailsWith(Violation.INVALID_UTF8, server, wire(Role.SERVER, true, Opcode.CONTINUATION, hex("41")));
        }

        @Test
        void messageEndingMidCharacterIsInvalid() {
            Connection server = server();
            assertFailsWith(Violation.INVALID_UTF8, server, wire(Role.SERVER, true, Opcode.TEXT, hex("61 e2 82")));
            assertEquals(1007, Peer.closeCode(onlyCloseFrame(server)));
        }

        @Test
        void fragmentedMessageEndingMidCharacterIsInvalid() throws ProtocolException {
            Connection client = client();
            receive(client, wire(Role.CLIENT, false, Opcode.TEXT, hex("61 f0 9f")));
            assertFailsWith(Violation.INVALID_UTF8, client, wire(Role.CLIENT, true, Opcode.CONTINUATION, hex("98")));
        }

        @Test
        void emptyFinalFragmentAfterAPartialCharacterIsInvalid() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, false, Opcode.TEXT, hex("c3")));
            assertFailsWith(Violation.INVALID_UTF8, server, wire(Role.SERVER, true, Opcode.CONTINUATION, NONE));
        }

        @Test
        void validCharactersSplitAtEveryByteAcrossFragmentsAreAccepted() throws ProtocolException {
            String message = "a€😀é";
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            for (int cut1 = 0; cut1 <= bytes.length; cut1++) {
                for (int cut2 = cut1; cut2 <= bytes.length; cut2++) {
                    Connection server = server();
                    receive(server,
                            wire(Role.SERVER, false, Opcode.TEXT, Arrays.copyOfRange(bytes, 0, cut1)),
                            wire(Role.SERVER, false, Opcode.CONTINUATION, Arrays.copyOfRange(bytes, cut1, cut2)),
                            wire(Role.SERVER, true, Opcode.CONTINUATION, Arrays.copyOfRange(bytes, cut2, bytes.length)));
                    assertEquals(List.of(text(message)), Peer.events(server), "cuts " + cut1 + ", " + cut2);
                }
            }
        }

        @Test
        void invalidUtf8InABinaryMessageIsFine() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, true, Opcode.BINARY, hex("ff c0 ed a0 80")));
            assertEquals(List.of(binary(hex("ff c0 ed a0 80"))), Peer.events(server));
        }

        @Test
        void nextTextMessageIsValidatedFromAFreshStart() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, true, Opcode.BINARY, hex("e2")), Peer.text(Role.SERVER, true, "ok"));
            assertEquals(List.of(binary(hex("e2")), text("ok")), Peer.events(server));
        }
    }

    // ==================================================================================== limits

    @Nested
    class SizeLimits {

        private final Limits small = Limits.defaults().withMaxFrameSize(4096).withMaxMessageSize(1000);

        @Test
        void singleFrameOverTheMessageLimitFailsAtItsHeader() {
            Connection server = connection(Role.SERVER, small);
            byte[] frame = wire(Role.SERVER, true, Opcode.BINARY, new byte[1001]);
            ProtocolException e = assertFailsWith(Violation.MESSAGE_TOO_BIG, server, Arrays.copyOf(frame, 8));
            assertEquals(CloseCode.MESSAGE_TOO_BIG, e.closeCode());
            assertEquals(1009, Peer.closeCode(onlyCloseFrame(server)));
            assertEquals(0, server.reassemblyCapacity());
        }

        @Test
        void fragmentsOverTheMessageLimitFailAtTheHeaderOfTheFragmentThatCrossesIt() throws ProtocolException {
            Connection server = connection(Role.SERVER, small);
            receive(server, wire(Role.SERVER, false, Opcode.TEXT, new byte[600]));
            byte[] second = wire(Role.SERVER, true, Opcode.CONTINUATION, new byte[401]);
            assertFailsWith(Violation.MESSAGE_TOO_BIG, server, Arrays.copyOf(second, 8));
            assertEquals(1009, Peer.closeCode(onlyCloseFrame(server)));
            assertTrue(server.reassemblyCapacity() <= 1000);
        }

        @Test
        void messageOfExactlyTheLimitInFragmentsIsAccepted() throws ProtocolException {
            Connection server = connection(Role.SERVER, small);
            receive(server, wire(Role.SERVER, false, Opcode.BINARY, new byte[600]),
                    wire(Role.SERVER, true, Opcode.PING, new byte[125]),
                    wire(Role.SERVER, true, Opcode.CONTINUATION, new byte[400]));
            List<Event> events = Wire.events(server);
            assertEquals(2, events.size());
            assertEquals(1000, ((Event.Binary) events.get(1)).data().length);
            assertTrue(server.reassemblyCapacity() <= 1000);
        }

        @Test
        void controlFramesDoNotCountTowardsTheMessageLimit() throws ProtocolException {
            Connection server = connection(Role.SERVER, Limits.defaults().withMaxMessageSize(10));
            receive(server, wire(Role.SERVER, false, Opcode.TEXT, "01234".getBytes(StandardCharsets.US_ASCII)),
                    wire(Role.SERVER, true, Opcode.PING, new byte[125]),
                    wire(Role.SERVER, true, Opcode.CLOSE, concat(hex("03e8"), new byte[50])));
            assertEquals(List.of(ping(new byte[125]), close(1000, new String(new byte[50], StandardCharsets.UTF_8))),
                    Peer.events(server));
        }

        @Test
        void frameOverTheFrameLimitFailsAtItsHeader() {
            Connection client = connection(Role.CLIENT, Limits.defaults().withMaxFrameSize(200));
            byte[] frame = wire(Role.CLIENT, false, Opcode.BINARY, new byte[201]);
            ProtocolException e = assertFailsWith(Violation.FRAME_TOO_BIG, client, Arrays.copyOf(frame, 4)); // 2 + 16-bit length
            assertEquals(CloseCode.MESSAGE_TOO_BIG, e.closeCode());
            assertEquals(1009, Peer.closeCode(onlyCloseFrame(client)));
        }

        @Test
        void messageOfManyFramesWithinTheFrameLimitStillHitsTheMessageLimit() throws ProtocolException {
            Connection server = connection(Role.SERVER, Limits.defaults().withMaxFrameSize(200).withMaxMessageSize(500));
            receive(server, wire(Role.SERVER, false, Opcode.BINARY, new byte[200]),
                    wire(Role.SERVER, false, Opcode.CONTINUATION, new byte[200]));
            assertFailsWith(Violation.MESSAGE_TOO_BIG, server, wire(Role.SERVER, true, Opcode.CONTINUATION, new byte[101]));
        }
    }

    // ========================================================================= closing handshake

    @Nested
    class ClosingHandshake {

        @ParameterizedTest
        @EnumSource(Role.class)
        void peerInitiatesAndWeEchoItsCode(Role role) throws ProtocolException {
            Connection connection = connection(role);
            receive(connection, Peer.close(role, 1000, "bye"));
            assertEquals(List.of(close(1000, "bye")), Peer.events(connection));
            Frame echo = onlyCloseFrame(connection);
            assertEquals(1000, Peer.closeCode(echo));
            assertEquals(Connection.State.CLOSED, connection.state());
            assertTrue(connection.closeReceived());
            assertEquals(CloseCode.NORMAL_CLOSURE, connection.closeCode());
            assertEquals("bye", connection.closeReason());
            assertFalse(connection.isOpen());
        }

        @Test
        void peerInitiatesWithAnApplicationCodeAndWeEchoIt() throws ProtocolException {
            Connection server = server();
            receive(server, Peer.close(Role.SERVER, 4321, ""));
            assertFalse(server.hasOutbound(), "the echo waits until the Close event is polled");
            assertEquals(List.of(close(4321, "")), Peer.events(server));
            assertEquals(4321, Peer.closeCode(onlyCloseFrame(server)));
            assertEquals(Connection.Ending.PEER_CLOSE, server.ending());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void weInitiateThenThePeersReplyCompletesTheHandshake(Role role) throws ProtocolException {
            Connection connection = connection(role);
            connection.close(CloseCode.GOING_AWAY, "shutting down");
            assertEquals(Connection.State.CLOSE_SENT, connection.state());
            Frame sent = onlyCloseFrame(connection);
            assertEquals(1001, Peer.closeCode(sent));
            assertEquals("shutting down", Peer.closeReason(sent));
            assertEquals(CloseCode.GOING_AWAY, connection.closeCode());

            receive(connection, Peer.close(role, 1001, ""));
            assertEquals(Connection.State.CLOSE_SENT, connection.state(), "until the peer's close is polled");
            assertEquals(List.of(close(1001, "")), Peer.events(connection));
            assertEquals(Connection.State.CLOSED, connection.state());
            assertEquals(Connection.Ending.LOCAL_CLOSE, connection.ending());
            assertFalse(connection.hasOutbound(), "no second close frame");
            assertTrue(connection.closeReceived());
        }

        @Test
        void dataThatArrivesWhileWeWaitForThePeersCloseIsReadAndDropped() throws ProtocolException {
            Connection server = server();
            server.close(CloseCode.NORMAL_CLOSURE, "");
            Wire.drain(server);
            byte[] p = {'p'};
            receive(server, Peer.text(Role.SERVER, false, "la"), wire(Role.SERVER, true, Opcode.PING, p),
                    wire(Role.SERVER, true, Opcode.CONTINUATION, "te".getBytes(StandardCharsets.UTF_8)),
                    wire(Role.SERVER, true, Opcode.BINARY, new byte[300]), Peer.close(Role.SERVER, 1000, ""));
            assertEquals(List.of(ping(p), close(1000, "")), Peer.events(server));
            assertEquals(Connection.State.CLOSED, server.state());
            assertEquals(0, server.reassemblyCapacity(), "nothing was reassembled");
        }

        @Test
        void messagesDecodedBeforeWeClosedAreNotDeliveredAfterIt() throws ProtocolException {
            Connection server = server();
            receive(server, Peer.text(Role.SERVER, true, "one"), Peer.text(Role.SERVER, true, "two"));
            assertEquals(new Event.Text("one"), server.pollEvent());
            server.close(CloseCode.POLICY_VIOLATION, "");
            assertEquals(null, server.pollEvent(), "the second message is dropped: this side has closed");
        }

        @Test
        void aMessageInProgressWhenWeCloseGivesItsBufferBack() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, false, Opcode.BINARY, new byte[20_000]));
            assertTrue(server.reassemblyCapacity() >= 20_000);
            server.close(CloseCode.GOING_AWAY, "");
            assertEquals(0, server.reassemblyCapacity());
        }

        @Test
        void emptyCloseFrameIsReportedAs1005AndEchoedEmpty() throws ProtocolException {
            Connection server = server();
            receive(server, wire(Role.SERVER, true, Opcode.CLOSE, NONE));
            assertEquals(List.of(close(1005, "")), Peer.events(server));
            assertArrayEquals(NONE, onlyCloseFrame(server).payload());
            assertEquals(CloseCode.NO_STATUS_RECEIVED, server.closeCode());
        }

        @Test
        void oneByteClosePayloadIsAProtocolError() {
            Connection server = server();
            assertFailsWith(Violation.CLOSE_PAYLOAD_TOO_SHORT, server, wire(Role.SERVER, true, Opcode.CLOSE, hex("03")));
            assertEquals(1002, Peer.closeCode(onlyCloseFrame(server)));
            assertFalse(server.closeReceived());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000})
        void closeCodeThatMayNotBeSentIsAProtocolError(int code) {
            Connection client = client();
            ProtocolException e = assertFailsWith(Violation.INVALID_CLOSE_CODE, client, Peer.close(Role.CLIENT, code, ""));
            assertEquals(CloseCode.PROTOCOL_ERROR, e.closeCode());
            assertEquals(1002, Peer.closeCode(onlyCloseFrame(client)));
            assertEquals(CloseCode.PROTOCOL_ERROR, client.closeCode());
        }

        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
        void closeCodeThatMayBeSentIsAcceptedAndEchoed(int code) throws ProtocolException {
            Connection server = server();
            receive(server, Peer.close(Role.SERVER, code, "r"));
            assertEquals(List.of(close(code, "r")), Peer.events(server));
            assertEquals(code, Peer.closeCode(onlyCloseFrame(server)));
        }

        @Test
        void closeReasonThatIsNotUtf8IsInvalidPayloadData() {
            Connection server = server();
            ProtocolException e = assertFailsWith(Violation.INVALID_CLOSE_REASON, server,
                    wire(Role.SERVER, true, Opcode.CLOSE, hex("03e8 41 ed a0 80")));
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, e.closeCode());
            assertEquals(1007, Peer.closeCode(onlyCloseFrame(server)));
        }

        @Test
        void bytesAfterTheCloseFrameAreIgnored() throws ProtocolException {
            Connection server = server();
            ByteBuffer buffer = ByteBuffer.wrap(concat(Peer.close(Role.SERVER, 1000, ""),
                    Peer.text(Role.SERVER, true, "ignored"), hex("ff ff ff")));
            server.receive(buffer);
            assertFalse(buffer.hasRemaining());
            receive(server, Peer.text(Role.SERVER, true, "also ignored"), hex("0f 00"));
            assertEquals(List.of(close(1000, "")), Peer.events(server));
            assertEquals(1, Peer.sent(server).size());
        }

        @Test
        void bytesAfterAFailureAreIgnored() throws ProtocolException {
            Connection server = server();
            assertFailsWith(Violation.UNMASKED_CLIENT_FRAME, server, hex("81 00"));
            receive(server, Peer.text(Role.SERVER, true, "ignored"));
            assertTrue(Peer.events(server).isEmpty());
            assertEquals(1, Peer.sent(server).size());
        }

        @Test
        void transportEndingWhileOpenIsAbnormalClosure() {
            Connection server = server();
            server.transportClosed();
            assertEquals(Connection.State.CLOSED, server.state());
            assertEquals(CloseCode.ABNORMAL_CLOSURE, server.closeCode());
            assertFalse(server.hasOutbound());
        }

        @Test
        void transportEndingBeforeThePeersReplyIsAbnormalClosure() {
            Connection client = client();
            client.close(CloseCode.NORMAL_CLOSURE, "done");
            client.transportClosed();
            assertEquals(CloseCode.ABNORMAL_CLOSURE, client.closeCode());
            assertEquals("", client.closeReason());
        }

        @Test
        void transportEndingAfterTheHandshakeKeepsThePeersCode() throws ProtocolException {
            Connection server = server();
            receive(server, Peer.close(Role.SERVER, 1000, "bye"));
            server.transportClosed();
            assertEquals(CloseCode.NORMAL_CLOSURE, server.closeCode());
            assertEquals("bye", server.closeReason());
        }

        @Test
        void transportEndingAfterAFailureKeepsTheFailureCode() {
            Connection server = server();
            assertFailsWith(Violation.RESERVED_BITS, server, hex("c1 80"));
            server.transportClosed();
            assertEquals(CloseCode.PROTOCOL_ERROR, server.closeCode());
        }

        @Test
        void violationWhileClosingQueuesNoSecondCloseFrame() {
            Connection server = server();
            server.close(CloseCode.NORMAL_CLOSURE, "");
            Wire.drain(server);
            assertFailsWith(Violation.RESERVED_OPCODE, server, hex("83 80"));
            assertFalse(server.hasOutbound());
            assertEquals(CloseCode.PROTOCOL_ERROR, server.closeCode());
        }
    }

    // ============================================================== every close code it can emit

    @Nested
    class CloseCodesTheConnectionEmits {

        @Test
        void sends1000EchoingANormalClosure() throws ProtocolException {
            Connection server = server();
            receive(server, Peer.close(Role.SERVER, 1000, ""));
            assertEquals(List.of(close(1000, "")), Peer.events(server));
            assertEquals(1000, Peer.closeCode(onlyCloseFrame(server)));
        }

        @Test
        void sends1002OnAProtocolError() {
            Connection server = server();
            assertFailsWith(Violation.RESERVED_OPCODE, server, hex("85 80"));
            Frame close = onlyCloseFrame(server);
            assertEquals(1002, Peer.closeCode(close));
            assertEquals(Violation.RESERVED_OPCODE.description(), Peer.closeReason(close));
        }

        @Test
        void reports1005ForACloseFrameWithoutStatus() throws ProtocolException {
            Connection client = client();
            receive(client, wire(Role.CLIENT, true, Opcode.CLOSE, NONE));
            assertEquals(List.of(close(1005, "")), Peer.events(client));
            assertEquals(CloseCode.NO_STATUS_RECEIVED, client.closeCode());
        }

        @Test
        void reports1006WhenTheTransportEndsWithoutHandshake() {
            Connection client = client();
            client.transportClosed();
            assertEquals(CloseCode.ABNORMAL_CLOSURE, client.closeCode());
        }

        @Test
        void sends1007OnInvalidUtf8() {
            Connection server = server();
            assertFailsWith(Violation.INVALID_UTF8, server, wire(Role.SERVER, true, Opcode.TEXT, hex("c0 80")));
            assertEquals(1007, Peer.closeCode(onlyCloseFrame(server)));
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, server.closeCode());
        }

        @Test
        void sends1009OnAMessageTooBig() {
            Connection server = connection(Role.SERVER, Limits.defaults().withMaxMessageSize(10));
            assertFailsWith(Violation.MESSAGE_TOO_BIG, server, wire(Role.SERVER, true, Opcode.TEXT, new byte[11]));
            assertEquals(1009, Peer.closeCode(onlyCloseFrame(server)));
            assertEquals(CloseCode.MESSAGE_TOO_BIG, server.closeCode());
        }

        static Stream<Arguments> violations() {
            Role s = Role.SERVER;
            return Stream.of(
                    Arguments.of(Violation.RESERVED_BITS, s, hex("c1 80")),
                    Arguments.of(Violation.RESERVED_OPCODE, s, hex("8b 80")),
                    Arguments.of(Violation.CONTROL_FRAME_TOO_LONG, s, hex("89 fe")),
                    Arguments.of(Violation.FRAGMENTED_CONTROL_FRAME, s, hex("09 80")),
                    Arguments.of(Violation.UNMASKED_CLIENT_FRAME, s, hex("82 00")),
                    Arguments.of(Violation.MASKED_SERVER_FRAME, Role.CLIENT, hex("82 80 00 00 00 00")),
                    Arguments.of(Violation.LENGTH_OUT_OF_RANGE, Role.CLIENT, hex("82 7f 80 00 00 00 00 00 00 01")),
                    Arguments.of(Violation.UNEXPECTED_CONTINUATION, s, wire(s, true, Opcode.CONTINUATION, NONE)),
                    Arguments.of(Violation.EXPECTED_CONTINUATION, s,
                            concat(wire(s, false, Opcode.BINARY, NONE), wire(s, true, Opcode.BINARY, NONE))),
                    Arguments.of(Violation.CLOSE_PAYLOAD_TOO_SHORT, s, wire(s, true, Opcode.CLOSE, hex("03"))),
                    Arguments.of(Violation.INVALID_CLOSE_CODE, s, wire(s, true, Opcode.CLOSE, hex("03ee"))),
                    Arguments.of(Violation.INVALID_CLOSE_REASON, s, wire(s, true, Opcode.CLOSE, hex("03e8 ff"))),
                    Arguments.of(Violation.INVALID_UTF8, s, wire(s, true, Opcode.TEXT, hex("ff"))),
                    Arguments.of(Violation.FRAME_TOO_BIG, Role.CLIENT, hex("82 7f 00 00 00 00 7f ff ff ff")),
                    Arguments.of(Violation.MESSAGE_TOO_BIG, s,
                            Arrays.copyOf(wire(s, true, Opcode.BINARY, new byte[Limits.DEFAULT_MAX_MESSAGE_SIZE + 1]), 14)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("violations")
        void everyViolationQueuesACloseFrameWithItsCodeAndDescription(Violation violation, Role role, byte[] input) {
            Connection connection = connection(role, Limits.defaults().withMaxFrameSize(Integer.MAX_VALUE));
            if (violation == Violation.FRAME_TOO_BIG) {
                connection = connection(role);
            }
            ProtocolException e = assertFailsWith(violation, connection, input);
            assertEquals(violation.closeCode(), e.closeCode());
            Frame close = onlyCloseFrame(connection);
            assertEquals(violation.closeCode().code(), Peer.closeCode(close));
            assertEquals(violation.description(), Peer.closeReason(close));
            assertEquals(violation.closeCode(), connection.closeCode());
            assertEquals(violation.description(), connection.closeReason());
        }
    }

    // =================================================================================== sending

    @Nested
    class Sending {

        static Stream<Arguments> sends() {
            return Stream.of(
                    Arguments.of("sendText", (Consumer<Connection>) c -> c.sendText("x")),
                    Arguments.of("sendBinary", (Consumer<Connection>) c -> c.sendBinary(ByteBuffer.allocate(1))),
                    Arguments.of("sendPing", (Consumer<Connection>) c -> c.sendPing(ByteBuffer.allocate(1))),
                    Arguments.of("sendPong", (Consumer<Connection>) c -> c.sendPong(ByteBuffer.allocate(1))),
                    Arguments.of("sendFrame", (Consumer<Connection>) c -> c.sendFrame(Opcode.TEXT, ByteBuffer.allocate(1), false)),
                    Arguments.of("sendEncoded", (Consumer<Connection>) c -> c.sendEncoded(ByteBuffer.wrap(RfcExamples.UNMASKED_TEXT))));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("sends")
        void sendingAfterOurCloseIsIllegal(String name, Consumer<Connection> send) {
            Connection server = server();
            server.close(CloseCode.NORMAL_CLOSURE, "");
            assertThrows(IllegalStateException.class, () -> send.accept(server));
            assertEquals(1, Peer.sent(server).size());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("sends")
        void sendingAfterThePeersCloseIsIllegal(String name, Consumer<Connection> send) throws ProtocolException {
            Connection server = server();
            receive(server, Peer.close(Role.SERVER, 1000, ""));
            assertEquals(close(1000, ""), Peer.describe(server.pollEvent()));
            assertThrows(IllegalStateException.class, () -> send.accept(server));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("sends")
        void sendingAfterAFailureIsIllegal(String name, Consumer<Connection> send) {
            Connection server = server();
            assertFailsWith(Violation.RESERVED_BITS, server, hex("e1 80"));
            assertThrows(IllegalStateException.class, () -> send.accept(server));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1006, 1015, 1016, 2999, 5000})
        void closingWithACodeThatMayNotBeSentIsIllegal(int code) {
            Connection server = server();
            assertThrows(IllegalArgumentException.class, () -> server.close(CloseCode.of(code), ""));
            assertTrue(server.isOpen());
            assertFalse(server.hasOutbound());
        }

        @Test
        void closingWithA124ByteReasonIsIllegal() {
            Connection client = client();
            assertThrows(IllegalArgumentException.class, () -> client.close(CloseCode.NORMAL_CLOSURE, "x".repeat(124)));
            assertTrue(client.isOpen());
            assertFalse(client.hasOutbound());
        }

        @Test
        void closingWithA123ByteReasonSendsItWhole() {
            Connection client = client();
            client.close(CloseCode.NORMAL_CLOSURE, "x".repeat(123));
            assertEquals("x".repeat(123), Peer.closeReason(onlyCloseFrame(client)));
        }

        @Test
        void closingWithNoStatusSendsAnEmptyCloseFrame() {
            Connection server = server();
            server.close(CloseCode.NO_STATUS_RECEIVED, "");
            assertArrayEquals(NONE, onlyCloseFrame(server).payload());
            assertEquals(Connection.State.CLOSE_SENT, server.state());
        }

        @Test
        void closingTwiceSendsOneCloseFrame() {
            Connection server = server();
            server.close(CloseCode.NORMAL_CLOSURE, "");
            server.close(CloseCode.GOING_AWAY, "");
            assertEquals(1000, Peer.closeCode(onlyCloseFrame(server)));
            assertEquals(CloseCode.NORMAL_CLOSURE, server.closeCode());
        }

        @Test
        void closingInTheMiddleOfAFragmentedSendIsAllowed() {
            Connection server = server();
            server.sendFrame(Opcode.BINARY, ByteBuffer.wrap(hex("01")), false);
            server.close(CloseCode.GOING_AWAY, "");
            List<Frame> sent = Peer.sent(server);
            assertEquals(2, sent.size());
            assertEquals(1001, Peer.closeCode(sent.get(1)));
        }

        @Test
        void controlPayloadOver125BytesIsIllegal() {
            Connection server = server();
            assertThrows(IllegalArgumentException.class, () -> server.sendPing(ByteBuffer.allocate(126)));
            assertThrows(IllegalArgumentException.class, () -> server.sendPong(ByteBuffer.allocate(126)));
            assertFalse(server.hasOutbound());
        }

        @Test
        void sendEncodedOnAClientIsIllegal() {
            Connection client = client();
            assertThrows(IllegalStateException.class, () -> client.sendEncoded(ByteBuffer.wrap(RfcExamples.UNMASKED_TEXT)));
        }

        @Test
        void sameEncodedFrameCanBeQueuedOnManyServerConnections() {
            ByteBuffer frame = ByteBuffer.wrap(FrameEncoder.encode(Frame.of(Opcode.TEXT, RfcExamples.HELLO))).asReadOnlyBuffer();
            Connection a = server();
            Connection b = server();
            a.sendEncoded(frame);
            b.sendEncoded(frame);
            assertArrayEquals(RfcExamples.UNMASKED_TEXT, Wire.drain(a));
            assertArrayEquals(RfcExamples.UNMASKED_TEXT, Wire.drain(b));
            assertEquals(0, frame.position());
        }

        @Test
        void serverBinaryLeavesTheCallersBufferPositionAlone() {
            Connection server = server();
            ByteBuffer data = ByteBuffer.wrap(RfcExamples.PAYLOAD_65536);
            server.sendBinary(data);
            assertEquals(0, data.position());
            assertArrayEquals(RfcExamples.BINARY_65536, Wire.drain(server));
        }
    }

    @Nested
    class FragmentedSending {

        @Test
        void continuationWithoutAStartedMessageIsIllegal() {
            Connection server = server();
            assertThrows(IllegalStateException.class, () -> server.sendFrame(Opcode.CONTINUATION, ByteBuffer.allocate(1), true));
            assertFalse(server.hasOutbound());
        }

        @ParameterizedTest
        @EnumSource(value = Opcode.class, names = {"TEXT", "BINARY"})
        void newMessageFrameBeforeTheFragmentedOneEndsIsIllegal(Opcode opcode) {
            Connection server = server();
            server.sendFrame(Opcode.TEXT, ByteBuffer.wrap(hex("41")), false);
            assertThrows(IllegalStateException.class, () -> server.sendFrame(opcode, ByteBuffer.allocate(1), true));
            assertEquals(1, Peer.sent(server).size());
        }

        @Test
        void wholeMessagesWaitForTheFragmentedOneToEnd() {
            Connection server = server();
            server.sendFrame(Opcode.BINARY, ByteBuffer.wrap(hex("01")), false);
            assertThrows(IllegalStateException.class, () -> server.sendText("x"));
            assertThrows(IllegalStateException.class, () -> server.sendBinary(ByteBuffer.allocate(1)));
            assertThrows(IllegalStateException.class, () -> server.sendEncoded(ByteBuffer.wrap(RfcExamples.UNMASKED_TEXT)));
            server.sendFrame(Opcode.CONTINUATION, ByteBuffer.wrap(hex("02")), true);
            server.sendText("x");
            assertEquals(List.of(new Frame(false, 0, Opcode.BINARY, hex("01")), new Frame(true, 0, Opcode.CONTINUATION, hex("02")),
                    Frame.of(Opcode.TEXT, hex("78"))), Peer.sent(server));
        }

        @ParameterizedTest
        @EnumSource(value = Opcode.class, names = {"CLOSE", "PING", "PONG"})
        void controlOpcodesCannotBeSentAsFragments(Opcode opcode) {
            Connection server = server();
            assertThrows(IllegalStateException.class, () -> server.sendFrame(opcode, ByteBuffer.allocate(1), true));
            assertFalse(server.hasOutbound());
        }

        @Test
        void pingsMayGoBetweenFragments() {
            Connection client = client();
            client.sendFrame(Opcode.TEXT, ByteBuffer.wrap(hex("48")), false);
            client.sendPing(ByteBuffer.wrap(hex("01")));
            client.sendFrame(Opcode.CONTINUATION, ByteBuffer.wrap(hex("69")), true);
            assertEquals(List.of(new Frame(false, 0, Opcode.TEXT, hex("48")), Frame.of(Opcode.PING, hex("01")),
                    new Frame(true, 0, Opcode.CONTINUATION, hex("69"))), Peer.sent(client));
        }

        @Test
        void singleFinalFrameIsAWholeMessage() {
            Connection server = server();
            server.sendFrame(Opcode.BINARY, ByteBuffer.wrap(hex("01")), true);
            server.sendFrame(Opcode.TEXT, ByteBuffer.wrap(hex("41")), true);
            assertEquals(List.of(Frame.of(Opcode.BINARY, hex("01")), Frame.of(Opcode.TEXT, hex("41"))), Peer.sent(server));
        }
    }

    @Nested
    class MaskingDirection {

        @Test
        void clientMasksEachFrameWithTheNextInjectedKey() {
            AtomicInteger next = new AtomicInteger(0x10203040);
            Connection client = Connection.builder(Role.CLIENT).maskKeys(() -> next.getAndIncrement()).build();
            client.sendText("a");
            client.sendBinary(ByteBuffer.wrap(Wire.counting(1000)));
            client.sendPing(ByteBuffer.wrap(hex("01")));
            client.close(CloseCode.NORMAL_CLOSURE, "");
            byte[] bytes = Wire.drain(client);
            assertArrayEquals(concat(
                    FrameEncoder.encodeMasked(Frame.of(Opcode.TEXT, hex("61")), 0x10203040),
                    FrameEncoder.encodeMasked(Frame.of(Opcode.BINARY, Wire.counting(1000)), 0x10203041),
                    FrameEncoder.encodeMasked(Frame.of(Opcode.PING, hex("01")), 0x10203042),
                    FrameEncoder.encodeMasked(Frame.of(Opcode.CLOSE, hex("03e8")), 0x10203043)), bytes);
        }

        @Test
        void clientWithDefaultKeysSendsMaskedFrames() {
            Connection client = Connection.client();
            client.sendText("Hello");
            byte[] bytes = Wire.drain(client);
            assertEquals(0x85, bytes[1] & 0xFF);
            assertEquals(List.of(Frame.of(Opcode.TEXT, RfcExamples.HELLO)), decode(Role.SERVER, bytes));
        }

        @Test
        void serverFramesAreNeverMasked() {
            Connection server = server();
            server.sendText("t");
            server.sendBinary(ByteBuffer.wrap(new byte[600]));
            server.sendPing(ByteBuffer.wrap(hex("01")));
            server.sendPong(ByteBuffer.wrap(hex("02")));
            server.close(CloseCode.NORMAL_CLOSURE, "");
            // A client-role decoder throws MASKED_SERVER_FRAME on any masked frame.
            assertEquals(5, decode(Role.CLIENT, Wire.drain(server)).size());
        }

        @Test
        void clientsNeedMaskKeys() {
            assertThrows(IllegalArgumentException.class, () -> Connection.builder(Role.CLIENT).maskKeys(null).build());
            assertThrows(IllegalArgumentException.class, () -> Connection.builder(null));
            assertThrows(IllegalArgumentException.class, () -> Connection.builder(Role.SERVER).limits(null).build());
        }

        private List<Frame> decode(Role role, byte[] bytes) {
            try {
                return FrameCollector.decode(new FrameDecoder(role, Integer.MAX_VALUE), List.of(ByteBuffer.wrap(bytes)));
            } catch (ProtocolException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Nested
    class OutboundAccounting {

        @Test
        void outboundBytesIsTheSumOfWhatPollOutboundWillReturn() {
            Connection server = server();
            server.sendText("hello");
            server.sendBinary(ByteBuffer.wrap(new byte[100_000]));
            server.sendPing(ByteBuffer.wrap(hex("01")));
            long expected = 7 + (10 + 100_000) + 3;
            assertEquals(expected, server.outboundBytes());
            long polled = 0;
            while (server.hasOutbound()) {
                ByteBuffer next = server.pollOutbound();
                polled += next.remaining();
                assertEquals(expected - polled, server.outboundBytes());
            }
            assertEquals(expected, polled);
            assertEquals(0, server.outboundBytes());
            assertNull(server.pollOutbound());
        }

        @Test
        void automaticRepliesAreCounted() throws ProtocolException {
            Connection client = client();
            receive(client, wire(Role.CLIENT, true, Opcode.PING, new byte[10]), Peer.close(Role.CLIENT, 1000, ""));
            assertEquals(6 + 10, client.outboundBytes(), "the pong at once; the close echo waits for the Close event");
            Peer.events(client);
            assertEquals((6 + 10) + (6 + 2), client.outboundBytes());
            assertEquals(16 + 8, Wire.drain(client).length);
            assertEquals(0, client.outboundBytes());
        }

        @Test
        void failureCloseFrameIsCounted() {
            Connection server = server();
            assertFailsWith(Violation.RESERVED_OPCODE, server, hex("83 80"));
            int reasonLength = Violation.RESERVED_OPCODE.description().length();
            assertEquals(2 + 2 + reasonLength, server.outboundBytes());
        }
    }

    @Nested
    class Accessors {

        @Test
        void newConnectionIsOpenWithNoCloseCode() {
            Connection connection = Connection.server();
            assertEquals(Connection.State.OPEN, connection.state());
            assertTrue(connection.isOpen());
            assertNull(connection.closeCode());
            assertEquals("", connection.closeReason());
            assertFalse(connection.closeReceived());
            assertEquals(Role.SERVER, connection.role());
            assertEquals(Limits.defaults(), connection.limits());
            assertNull(connection.pollEvent());
            assertEquals(0, connection.outboundBytes());
        }
    }
}
