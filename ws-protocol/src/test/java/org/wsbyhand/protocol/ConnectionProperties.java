package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

class ConnectionProperties {

    private static final int FRAME_LIMIT = 1000;
    private static final int MESSAGE_LIMIT = 1500;
    private static final Limits SMALL = Limits.defaults().withMaxFrameSize(FRAME_LIMIT).withMaxMessageSize(MESSAGE_LIMIT);

    @Provide
    Arbitrary<List<byte[]>> hostileServerInput() {
        return Generators.hostilePieces(Role.SERVER).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<byte[]>> hostileClientInput() {
        return Generators.hostilePieces(Role.CLIENT).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 64).edgeCases(c -> c.includeOnly(1, 64)).list().ofMinSize(1).ofMaxSize(10);
    }

    @Provide
    Arbitrary<String> texts() {
        return Generators.unicodeText();
    }

    // ------------------------------------------------------------------------- hostile input

    @Property(tries = 600)
    void serverFedArbitraryBytesOnlyThrowsProtocolExceptionAndStaysWithinItsLimits(
            @ForAll("hostileServerInput") List<byte[]> pieces, @ForAll("chunkSizes") List<Integer> chunkSizes) {
        feedHostile(Role.SERVER, pieces, chunkSizes);
    }

    @Property(tries = 300)
    void clientFedArbitraryBytesOnlyThrowsProtocolExceptionAndStaysWithinItsLimits(
            @ForAll("hostileClientInput") List<byte[]> pieces, @ForAll("chunkSizes") List<Integer> chunkSizes) {
        feedHostile(Role.CLIENT, pieces, chunkSizes);
    }

    @Property(tries = 300)
    void uniformlyRandomBytesOnlyEverFailWithProtocolException(@ForAll @Size(max = 200) byte[] bytes,
            @ForAll Role role, @ForAll("chunkSizes") List<Integer> chunkSizes) {
        feedHostile(role, List.of(bytes), chunkSizes);
    }

    /**
     * Feeds the input in chunks without ever draining the connection, and checks after every chunk
     * that nothing but a ProtocolException escaped (any other exception fails the property by
     * propagating), that no event and no buffer exceeds the limits, and that what is queued to send
     * stays proportional to what was received.
     */
    private static void feedHostile(Role role, List<byte[]> pieces, List<Integer> chunkSizes) {
        Connection connection = Connection.builder(role).limits(SMALL).maskKeys(MaskKeys.fixed(0x0F1E2D3C)).build();
        byte[] stream = Wire.concat(pieces.toArray(byte[][]::new));
        long fed = 0;
        String outcome = "no failure";
        for (byte[] chunk : Wire.chunked(stream, chunkSizes)) {
            fed += chunk.length;
            Connection.State before = connection.state();
            connection.receive(ByteBuffer.wrap(chunk));
            assertTrue(connection.reassemblyCapacity() <= MESSAGE_LIMIT, "reassembly buffer " + connection.reassemblyCapacity());
            // Each reply (pong, echoed close) is at most its trigger's size plus the 4 mask-key bytes a
            // client adds; a failure adds one close frame of at most 127 bytes.
            long replyBound = role == Role.SERVER ? fed + 127 : 3 * fed + 131;
            assertTrue(connection.outboundBytes() <= replyBound, connection.outboundBytes() + " bytes queued after " + fed);
            for (Event event = connection.pollEvent(); event != null; event = connection.pollEvent()) {
                assertWithinLimits(event);
                if (event instanceof Event.Close) {
                    assertEquals(Connection.State.CLOSED, connection.state());
                    outcome = "closed by peer";
                } else if (event instanceof Event.Failure failure) {
                    assertFalse(before == Connection.State.CLOSED, "failed although already closed");
                    // Polled, the failure has taken effect.
                    assertEquals(Connection.State.CLOSED, connection.state());
                    assertEquals(Connection.Ending.FAILURE, connection.ending());
                    assertEquals(failure.closeCode(), connection.closeCode());
                    outcome = failure.violation().name();
                }
                if (event instanceof Event.Close || event instanceof Event.Failure) {
                    assertNull(connection.pollEvent(), "an event after the terminal one");
                    break;
                }
            }
        }
        Statistics.collect(outcome);
        if (connection.state() == Connection.State.CLOSED) {
            // Once closed, input is ignored without complaint.
            assertDoesNotThrowProtocolException(connection, stream);
        }
    }

    private static void assertDoesNotThrowProtocolException(Connection connection, byte[] bytes) {
        connection.receive(ByteBuffer.wrap(bytes.clone()));
        assertEquals(null, connection.pollEvent(), "a closed connection made an event");
    }

    private static void assertWithinLimits(Event event) {
        switch (event) {
            case Event.Text text -> assertTrue(text.text().getBytes(StandardCharsets.UTF_8).length <= MESSAGE_LIMIT);
            case Event.Binary binary -> assertTrue(binary.data().length <= MESSAGE_LIMIT);
            case Event.Ping ping -> assertTrue(ping.payload().length <= 125);
            case Event.Pong pong -> assertTrue(pong.payload().length <= 125);
            case Event.Failure failure -> assertTrue(failure.closeCode().isValidOnWire());
            case Event.Close close -> {
                assertTrue(close.code().isValidOnWire() || close.code().equals(CloseCode.NO_STATUS_RECEIVED));
                assertTrue(close.reason().getBytes(StandardCharsets.UTF_8).length <= ClosePayload.MAX_REASON_BYTES);
            }
        }
    }

    // --------------------------------------------------------------------------- reassembly

    /** The message cut at arbitrary byte offsets (inside characters too) into 1 to 9 fragments. */
    private static List<byte[]> fragment(byte[] message, List<Integer> cutPoints) {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int cut : cutPoints) {
            cuts.add(message.length == 0 ? 0 : cut % (message.length + 1));
        }
        List<byte[]> fragments = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            fragments.add(Arrays.copyOfRange(message, from, cut));
            from = cut;
        }
        fragments.add(Arrays.copyOfRange(message, from, message.length));
        return fragments;
    }

    /**
     * The wire bytes the peer of {@code receiver} sends for a message in these fragments, with a
     * ping before fragment {@code i} when {@code pingsBefore[i]} (pings carry their index).
     */
    private static byte[] fragmentedMessage(Role receiver, Opcode opcode, List<byte[]> fragments, List<Boolean> pingsBefore,
            List<byte[]> pingsSent) {
        List<byte[]> wires = new ArrayList<>();
        for (int i = 0; i < fragments.size(); i++) {
            if (pingsBefore.get(i % pingsBefore.size())) {
                byte[] ping = {(byte) i};
                pingsSent.add(ping);
                wires.add(Peer.wire(receiver, true, Opcode.PING, ping));
            }
            boolean fin = i == fragments.size() - 1;
            wires.add(Peer.wire(receiver, fin, i == 0 ? opcode : Opcode.CONTINUATION, fragments.get(i)));
        }
        return Wire.concat(wires.toArray(byte[][]::new));
    }

    private static List<String> receiveAll(Connection connection, List<byte[]> chunks) throws ProtocolException {
        for (byte[] chunk : chunks) {
            connection.receive(ByteBuffer.wrap(chunk.clone()));
        }
        return Peer.events(connection);
    }

    @Property(tries = 500)
    void fragmentedTextWithInterleavedPingsReassemblesToTheOriginal(@ForAll("texts") String text, @ForAll Role receiver,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 10_000) Integer> cuts,
            @ForAll @Size(min = 1, max = 5) List<Boolean> pings, @ForAll("chunkSizes") List<Integer> chunkSizes)
            throws ProtocolException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertReassembles(receiver, Opcode.TEXT, bytes, Peer.text(text), cuts, pings, chunkSizes);
    }

    @Property(tries = 500)
    void fragmentedBinaryWithInterleavedPingsReassemblesToTheOriginal(@ForAll @Size(max = 3000) byte[] data,
            @ForAll Role receiver, @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 10_000) Integer> cuts,
            @ForAll @Size(min = 1, max = 5) List<Boolean> pings, @ForAll("chunkSizes") List<Integer> chunkSizes)
            throws ProtocolException {
        assertReassembles(receiver, Opcode.BINARY, data, Peer.binary(data), cuts, pings, chunkSizes);
    }

    private static void assertReassembles(Role receiver, Opcode opcode, byte[] message, String expectedMessage,
            List<Integer> cuts, List<Boolean> pings, List<Integer> chunkSizes) throws ProtocolException {
        List<byte[]> fragments = fragment(message, cuts);
        Statistics.label("fragments").collect(fragments.size() == 1 ? "1" : fragments.size() <= 4 ? "2-4" : "5+");
        List<byte[]> pingsSent = new ArrayList<>();
        byte[] stream = fragmentedMessage(receiver, opcode, fragments, pings, pingsSent);

        List<String> expected = new ArrayList<>();
        List<Frame> expectedPongs = new ArrayList<>();
        for (byte[] ping : pingsSent) {
            expected.add(Peer.ping(ping));
            expectedPongs.add(Frame.of(Opcode.PONG, ping));
        }
        expected.add(expectedMessage);

        Connection whole = Connection.builder(receiver).maskKeys(MaskKeys.fixed(7)).build();
        assertEquals(expected, receiveAll(whole, List.of(stream)));
        Connection chunked = Connection.builder(receiver).maskKeys(MaskKeys.fixed(7)).build();
        assertEquals(expected, receiveAll(chunked, Wire.chunked(stream, chunkSizes)));
        assertEquals(expectedPongs, Peer.sent(chunked));
        assertTrue(chunked.isOpen());
    }

    // ------------------------------------------------------------------- sender and receiver

    @Property(tries = 300)
    void whatOneEndSendsTheOtherReceives(@ForAll("texts") String text, @ForAll @Size(max = 2000) byte[] data,
            @ForAll Role sender, @ForAll("chunkSizes") List<Integer> chunkSizes) throws ProtocolException {
        Connection from = Connection.builder(sender).maskKeys(MaskKeys.fixed(text.hashCode())).build();
        Connection to = Connection.builder(sender.peer()).maskKeys(MaskKeys.fixed(99)).build();
        from.sendText(text);
        from.sendBinary(ByteBuffer.wrap(data));
        from.sendPing(ByteBuffer.wrap(Arrays.copyOf(data, Math.min(data.length, 125))));
        from.close(CloseCode.NORMAL_CLOSURE, "done");
        List<String> events = receiveAll(to, Wire.chunked(Wire.drain(from), chunkSizes));
        assertEquals(List.of(Peer.text(text), Peer.binary(data), Peer.ping(Arrays.copyOf(data, Math.min(data.length, 125))),
                Peer.close(1000, "done")), events);

        // The receiver's replies complete the closing handshake at the sender.
        List<Frame> replies = Peer.sent(to);
        assertEquals(Opcode.PONG, replies.get(0).opcode());
        assertArrayEquals(Arrays.copyOf(data, Math.min(data.length, 125)), replies.get(0).payload());
        assertEquals(1000, Peer.closeCode(replies.get(1)));
        from.receive(ByteBuffer.wrap(Wire.concat(
                FrameEncoder.encode(replies.get(1).fin(), 0, Opcode.CLOSE, ByteBuffer.wrap(replies.get(1).payload()),
                        sender == Role.SERVER, 5))));
        assertEquals(Connection.State.CLOSE_SENT, from.state(), "the peer's close takes effect when polled");
        assertEquals(List.of(Peer.close(1000, "")), Peer.events(from));
        assertEquals(Connection.State.CLOSED, from.state());
        assertEquals(Connection.Ending.LOCAL_CLOSE, from.ending());
        assertEquals(Connection.Ending.PEER_CLOSE, to.ending());
        assertEquals(Connection.State.CLOSED, to.state());
    }
}
