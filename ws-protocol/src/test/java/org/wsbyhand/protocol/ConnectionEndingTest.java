package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.protocol.Wire.concat;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wsbyhand.protocol.Connection.Ending;
import org.wsbyhand.protocol.Connection.State;
import org.wsbyhand.protocol.Connection.TransportAction;

/**
 * How a connection ends: the terminal events ({@link Event.Close}, {@link Event.Failure}) in wire
 * order, the state that says who closed first, {@link Connection#ending()}, the transport action per
 * role and the start of the close deadline.
 */
class ConnectionEndingTest {

    private static Connection connection(Role role) {
        return Connection.builder(role).maskKeys(MaskKeys.fixed(0x01020304)).build();
    }

    /** A frame with a reserved opcode (3): a protocol error, 1002. */
    private static byte[] reservedOpcode(Role receiver) {
        return receiver == Role.SERVER ? hex("83 80 00 00 00 00") : hex("83 00");
    }

    private static void receive(Connection connection, byte[]... parts) {
        for (byte[] part : parts) {
            ByteBuffer buffer = ByteBuffer.wrap(part.clone());
            connection.receive(buffer);
            assertFalse(buffer.hasRemaining(), "receive left bytes unread");
        }
    }

    /** The action this side takes after a closing handshake or a failure (RFC 6455 7.1.1). */
    private static TransportAction afterTheEnd(Role role) {
        return role == Role.SERVER ? TransportAction.CLOSE : TransportAction.AWAIT_SERVER_CLOSE;
    }

    private static void assertStillOpen(Connection connection) {
        assertEquals(State.OPEN, connection.state());
        assertTrue(connection.isOpen());
        assertNull(connection.ending());
        assertNull(connection.closeCode());
        assertFalse(connection.closeDeadlineStarted());
        assertEquals(TransportAction.KEEP_OPEN, connection.transportAction());
    }

    @Nested
    class FailureEvent {

        @ParameterizedTest
        @EnumSource(Role.class)
        void receiveNeverThrowsAndTheFailureIsTheLastEventAfterTheOnesBeforeIt(Role role) {
            Connection connection = connection(role);
            byte[] ping = Peer.wire(role, true, Opcode.PING, new byte[] {7});
            receive(connection, concat(Peer.text(role, true, "one"), ping, reservedOpcode(role),
                    Peer.text(role, true, "after the violation")));

            assertStillOpen(connection); // nothing takes effect before it is polled
            assertEquals(new Event.Text("one"), connection.pollEvent());
            assertInstanceOf(Event.Ping.class, connection.pollEvent());
            assertStillOpen(connection);
            Event.Failure failure = assertInstanceOf(Event.Failure.class, connection.pollEvent());
            assertEquals(Violation.RESERVED_OPCODE, failure.violation());
            assertEquals(CloseCode.PROTOCOL_ERROR, failure.closeCode());
            assertNull(connection.pollEvent(), "nothing after the failure, not even the bytes behind it");

            assertEquals(State.CLOSED, connection.state());
            assertEquals(Ending.FAILURE, connection.ending());
            assertEquals(CloseCode.PROTOCOL_ERROR, connection.closeCode());
            assertEquals(Violation.RESERVED_OPCODE.description(), connection.closeReason());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void aReadsEventsAreTakenWithoutTheTerminalOneWhichWaitsForTheCaller(Role role) {
            Connection connection = connection(role);
            receive(connection, concat(Peer.text(role, true, "one"), Peer.text(role, true, "two"), reservedOpcode(role)));
            assertFalse(connection.endWaiting());
            assertEquals(new Event.Text("one"), connection.pollEventBeforeEnd());
            assertEquals(new Event.Text("two"), connection.pollEventBeforeEnd());
            assertTrue(connection.endWaiting());
            assertNull(connection.pollEventBeforeEnd(), "the failure stays for pollEvent");
            assertNull(connection.pollEventBeforeEnd(), "and keeps staying");
            assertStillOpen(connection);
            connection.sendText("answer to two");
            assertInstanceOf(Event.Failure.class, connection.pollEvent());
            assertFalse(connection.endWaiting());
            assertNull(connection.pollEventBeforeEnd());
            assertEquals(List.of(Opcode.TEXT, Opcode.CLOSE), Peer.sent(connection).stream().map(Frame::opcode).toList());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void answersToEarlierEventsAndThePongGoOutBeforeTheCloseFrame(Role role) {
            Connection connection = connection(role);
            byte[] ping = Peer.wire(role, true, Opcode.PING, new byte[] {7});
            receive(connection, concat(Peer.text(role, true, "echo me"), ping, reservedOpcode(role)));
            Event.Text text = assertInstanceOf(Event.Text.class, connection.pollEvent());
            connection.sendText(text.text());
            assertInstanceOf(Event.Ping.class, connection.pollEvent());
            connection.sendText("still open");
            assertInstanceOf(Event.Failure.class, connection.pollEvent());

            List<Frame> sent = Peer.sent(connection);
            // The pong was queued when the ping was decoded, before the caller's answers.
            assertEquals(List.of(Opcode.PONG, Opcode.TEXT, Opcode.TEXT, Opcode.CLOSE), sent.stream().map(Frame::opcode).toList());
            assertArrayEquals(new byte[] {7}, sent.get(0).payload());
            assertEquals(1002, Peer.closeCode(sent.get(3)));
            assertThrows(IllegalStateException.class, () -> connection.sendText("too late"));
        }

        @Test
        void noOutboundCloseFrameUntilTheFailureIsPolled() {
            Connection server = connection(Role.SERVER);
            receive(server, Peer.text(Role.SERVER, true, "first"), reservedOpcode(Role.SERVER));
            assertFalse(server.hasOutbound());
            assertEquals(0, server.outboundBytes());
            assertNull(server.pollOutbound(), "asking for bytes does not apply the failure");
            assertEquals(State.OPEN, server.state(), "neither does asking for the state");
            assertEquals(2, server.pendingEvents());
        }

        @Test
        void bytesAfterAFailureWaitingToBePolledAreIgnored() {
            Connection server = connection(Role.SERVER);
            receive(server, reservedOpcode(Role.SERVER));
            ByteBuffer more = ByteBuffer.wrap(Peer.text(Role.SERVER, true, "more"));
            server.receive(more);
            assertFalse(more.hasRemaining());
            assertEquals(1, server.pendingEvents());
            assertInstanceOf(Event.Failure.class, server.pollEvent());
        }

        @Test
        void aFailureCarriesItsException() {
            ProtocolException e = new ProtocolException(Violation.INVALID_UTF8, "byte 3");
            Event.Failure failure = new Event.Failure(e);
            assertEquals(Violation.INVALID_UTF8, failure.violation());
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, failure.closeCode());
            assertEquals(e, failure.exception());
            assertThrows(IllegalArgumentException.class, () -> new Event.Failure(null));
        }
    }

    @Nested
    class WhoClosedFirst {

        @ParameterizedTest
        @EnumSource(Role.class)
        void thePeerClosesFirst(Role role) {
            Connection connection = connection(role);
            receive(connection, Peer.close(role, 4000, "bye"));
            assertTrue(connection.closeReceived());
            assertStillOpen(connection); // the echo waits until the Close event is polled
            assertFalse(connection.hasOutbound());

            assertEquals(new Event.Close(CloseCode.of(4000), "bye"), connection.pollEvent());
            assertEquals(State.CLOSED, connection.state());
            assertEquals(Ending.PEER_CLOSE, connection.ending());
            assertEquals(CloseCode.of(4000), connection.closeCode());
            assertEquals("bye", connection.closeReason());
            assertTrue(connection.closeDeadlineStarted(), "our echo is queued");
            assertEquals(4000, Peer.closeCode(Peer.sent(connection).getFirst()));
            assertEquals(afterTheEnd(role), connection.transportAction());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void thisSideClosesFirst(Role role) {
            Connection connection = connection(role);
            connection.close(CloseCode.GOING_AWAY, "later");
            assertEquals(State.CLOSE_SENT, connection.state());
            assertFalse(connection.isOpen());
            assertNull(connection.ending());
            assertTrue(connection.closeDeadlineStarted(), "the deadline starts with our close frame");
            assertEquals(TransportAction.KEEP_OPEN, connection.transportAction(), "waiting for the peer's close");
            assertEquals(List.of(Opcode.CLOSE), Peer.sent(connection).stream().map(Frame::opcode).toList());

            receive(connection, Peer.close(role, 1001, ""));
            assertEquals(State.CLOSE_SENT, connection.state(), "until the peer's close is polled");
            assertEquals(new Event.Close(CloseCode.GOING_AWAY, ""), connection.pollEvent());
            assertEquals(State.CLOSED, connection.state());
            assertEquals(Ending.LOCAL_CLOSE, connection.ending());
            assertFalse(connection.hasOutbound(), "no second close frame");
            assertEquals(afterTheEnd(role), connection.transportAction());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void thePeerBreaksTheProtocol(Role role) {
            Connection connection = connection(role);
            receive(connection, reservedOpcode(role));
            assertStillOpen(connection);
            assertInstanceOf(Event.Failure.class, connection.pollEvent());
            assertEquals(Ending.FAILURE, connection.ending());
            assertTrue(connection.closeDeadlineStarted(), "our close frame with 1002 is queued");
            assertEquals(1002, Peer.closeCode(Peer.sent(connection).getFirst()));
            assertEquals(afterTheEnd(role), connection.transportAction());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void aFailureAfterOurCloseSendsNoSecondCloseFrame(Role role) {
            Connection connection = connection(role);
            connection.close(CloseCode.NORMAL_CLOSURE, "");
            Wire.drain(connection);
            receive(connection, reservedOpcode(role));
            assertEquals(State.CLOSE_SENT, connection.state());
            assertInstanceOf(Event.Failure.class, connection.pollEvent());
            assertEquals(State.CLOSED, connection.state());
            assertEquals(Ending.FAILURE, connection.ending());
            assertEquals(CloseCode.PROTOCOL_ERROR, connection.closeCode());
            assertFalse(connection.hasOutbound());
            assertEquals(afterTheEnd(role), connection.transportAction());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void theTransportEndsFirst(Role role) {
            Connection connection = connection(role);
            connection.transportClosed();
            assertEquals(State.CLOSED, connection.state());
            assertEquals(Ending.TRANSPORT_ENDED, connection.ending());
            assertEquals(CloseCode.ABNORMAL_CLOSURE, connection.closeCode());
            assertFalse(connection.closeDeadlineStarted(), "no close frame of ours");
            assertFalse(connection.hasOutbound());
            assertEquals(TransportAction.CLOSE, connection.transportAction());
        }

        @ParameterizedTest
        @EnumSource(Role.class)
        void theTransportEndsWhileWeWaitForThePeersClose(Role role) {
            Connection connection = connection(role);
            connection.close(CloseCode.NORMAL_CLOSURE, "");
            connection.transportClosed();
            assertEquals(Ending.TRANSPORT_ENDED, connection.ending());
            assertEquals(CloseCode.ABNORMAL_CLOSURE, connection.closeCode());
            assertTrue(connection.closeDeadlineStarted());
            assertEquals(TransportAction.CLOSE, connection.transportAction());
        }

        @Test
        void theTransportEndsBeforeThePeersCloseIsPolled() {
            Connection client = connection(Role.CLIENT);
            receive(client, Peer.close(Role.CLIENT, 1000, "done"));
            client.transportClosed();
            assertEquals(Ending.TRANSPORT_ENDED, client.ending(), "the close was never answered");
            assertEquals(CloseCode.NORMAL_CLOSURE, client.closeCode(), "section 7.1.5: the code the peer sent");
            assertEquals(new Event.Close(CloseCode.NORMAL_CLOSURE, "done"), client.pollEvent());
            assertFalse(client.hasOutbound(), "no echo on a transport that ended");
            assertEquals(Ending.TRANSPORT_ENDED, client.ending());
        }

        @Test
        void theTransportEndsBeforeAFailureIsPolled() {
            Connection server = connection(Role.SERVER);
            receive(server, Peer.wire(Role.SERVER, true, Opcode.TEXT, hex("c0 80")));
            server.transportClosed();
            assertEquals(Ending.FAILURE, server.ending());
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, server.closeCode());
            assertInstanceOf(Event.Failure.class, server.pollEvent());
            assertFalse(server.hasOutbound(), "no close frame on a transport that ended");
        }

        @Test
        void aClientClosesItsTransportOnceTheServerHasClosedItsOwn() {
            Connection client = connection(Role.CLIENT);
            receive(client, Peer.close(Role.CLIENT, 1000, ""));
            client.pollEvent();
            assertEquals(TransportAction.AWAIT_SERVER_CLOSE, client.transportAction());
            client.transportClosed(); // the server's FIN
            assertEquals(Ending.PEER_CLOSE, client.ending(), "the handshake had completed");
            assertEquals(TransportAction.CLOSE, client.transportAction());
        }

        @Test
        void theStateNeverGoesBack() {
            Connection server = connection(Role.SERVER);
            server.close(CloseCode.NORMAL_CLOSURE, "");
            server.close(CloseCode.GOING_AWAY, "again");
            assertEquals(State.CLOSE_SENT, server.state());
            assertEquals(CloseCode.NORMAL_CLOSURE, server.closeCode());
            receive(server, Peer.close(Role.SERVER, 1000, ""));
            server.pollEvent();
            server.transportClosed();
            assertEquals(State.CLOSED, server.state());
            assertEquals(Ending.LOCAL_CLOSE, server.ending());
        }
    }

    @Nested
    class Factories {

        @Test
        void serverHasTheDefaultsAndSendsUnmaskedFrames() {
            Connection server = Connection.server();
            assertEquals(Role.SERVER, server.role());
            assertEquals(Limits.defaults(), server.limits());
            assertEquals(State.OPEN, server.state());
            assertFalse(server.compresses());
            server.sendText("hi");
            assertArrayEquals(hex("81 02 68 69"), Wire.drain(server));
        }

        @Test
        void clientHasTheDefaultsAndMasksWithFreshKeys() {
            Connection client = Connection.client();
            assertEquals(Role.CLIENT, client.role());
            assertEquals(Limits.defaults(), client.limits());
            client.sendText("hi");
            client.sendText("hi");
            byte[] wire = Wire.drain(client);
            assertEquals(2 * (2 + 4 + 2), wire.length);
            assertEquals((byte) 0x82, wire[1], "masked, 2 bytes");
            // Peer.sent would throw if the frames were not masked; both carry the same text.
            Connection receiver = Connection.server();
            receiver.receive(ByteBuffer.wrap(wire));
            assertEquals(new Event.Text("hi"), receiver.pollEvent());
            assertEquals(new Event.Text("hi"), receiver.pollEvent());
        }

        @Test
        void theBuilderStillTakesEveryOption() {
            Limits limits = Limits.defaults().withMaxMessageSize(10);
            Connection server = Connection.builder(Role.SERVER).limits(limits).memoryBudget(MemoryBudget.unlimited()).build();
            assertEquals(limits, server.limits());
            receive(server, Peer.text(Role.SERVER, true, "eleven char"));
            assertEquals(Violation.MESSAGE_TOO_BIG, assertInstanceOf(Event.Failure.class, server.pollEvent()).violation());
        }

        @Test
        void factoriesMakeIndependentConnections() {
            Connection a = Connection.server();
            Connection b = Connection.server();
            a.close(CloseCode.NORMAL_CLOSURE, "");
            assertTrue(b.isOpen());
        }
    }
}
