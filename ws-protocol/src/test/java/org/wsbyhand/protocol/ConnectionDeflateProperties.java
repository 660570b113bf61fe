package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

class ConnectionDeflateProperties {

    /** A message to send: text or binary, whole or cut into fragments at the given offsets. */
    record Message(boolean text, byte[] payload, List<Integer> cuts) {
        @Override
        public String toString() {
            return (text ? "text " : "binary ") + payload.length + " bytes cut at " + cuts;
        }
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<String> chatty = Arbitraries.strings().withChars("{}\":,ab éu€r😀xt0123 ").ofMaxLength(5000);
        Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(0, 20_000).list().ofMaxSize(4);
        Arbitrary<Message> texts = Combinators.combine(chatty, cuts)
                .as((s, c) -> new Message(true, s.getBytes(StandardCharsets.UTF_8), c));
        Arbitrary<Message> binaries = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(5000), cuts)
                .as((b, c) -> new Message(false, b, c));
        return Arbitraries.oneOf(texts, binaries);
    }

    @Provide
    Arbitrary<DeflateParameters> parameters() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((server, client) -> new DeflateParameters(server, client, 15, 15));
    }

    @Property(tries = 150)
    void everyMessageArrivesIntactWhateverItsFragmentationTheChunkingAndTheContextTakeover(
            @ForAll @Size(max = 6) List<@From("messages") Message> messages,
            @ForAll("parameters") DeflateParameters parameters,
            @ForAll @IntRange(min = 0, max = 200) int minMessageSize,
            @ForAll @IntRange(min = 1, max = 3000) int chunkSize,
            @ForAll boolean serverSends) throws ProtocolException {
        DeflateOptions options = DeflateOptions.defaults().withMinMessageSize(minMessageSize);
        Role senderRole = serverSends ? Role.SERVER : Role.CLIENT;
        Role receiverRole = serverSends ? Role.CLIENT : Role.SERVER;
        Connection sender = connection(senderRole, new PerMessageDeflate(senderRole, parameters, options));
        Connection receiver = connection(receiverRole, new PerMessageDeflate(receiverRole, parameters, options));

        for (Message message : messages) {
            send(sender, message);
        }
        byte[] wire = drain(sender);
        for (int i = 0; i < wire.length; i += chunkSize) {
            receiver.receive(ByteBuffer.wrap(Arrays.copyOfRange(wire, i, Math.min(wire.length, i + chunkSize))));
        }

        for (Message message : messages) {
            Event event = receiver.pollEvent();
            if (message.text()) {
                assertEquals(new Event.Text(new String(message.payload(), StandardCharsets.UTF_8)), event, message.toString());
            } else {
                assertArrayEquals(message.payload(), ((Event.Binary) event).data(), message.toString());
            }
        }
        assertEquals(null, receiver.pollEvent());
        sender.transportClosed();
        receiver.transportClosed();
    }

    @Property(tries = 100)
    void arbitraryBytesAfterACompressedHeaderFailOnlyWithAProtocolExceptionAndNeverDeliverOverTheLimit(
            @ForAll @Size(max = 3000) byte[] payload, @ForAll boolean text,
            @ForAll @IntRange(min = 1, max = 4096) int limit) {
        Connection server = Connection.builder(Role.SERVER).limits(Limits.defaults().withMaxMessageSize(limit)).deflate(new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults())).build();
        byte[] frame = FrameEncoder.encode(true, Frame.RSV1, text ? Opcode.TEXT : Opcode.BINARY,
                ByteBuffer.wrap(payload), true, 0x01020304);
        server.receive(ByteBuffer.wrap(frame));
        Event event = server.pollEvent();
        if (event instanceof Event.Failure) {
            assertEquals(Connection.State.CLOSED, server.state());
            assertEquals(Connection.Ending.FAILURE, server.ending());
        } else {
            int size = event instanceof Event.Text t ? t.text().getBytes(StandardCharsets.UTF_8).length
                    : ((Event.Binary) event).data().length;
            assertTrue(size <= limit);
        }
        server.transportClosed();
    }

    /** A client frame with any flags: reserved bits, opcodes and fin chosen at random, payload compressed or not. */
    record RawFrame(boolean fin, int rsv, int opcode, byte[] payload) {
        byte[] encode() {
            byte[] header = new byte[FrameEncoder.MAX_HEADER_LENGTH];
            Opcode known = Opcode.of(opcode);
            int n = FrameEncoder.writeHeader(header, 0, fin, rsv, known == null ? Opcode.BINARY : known, payload.length, true, 0x11223344);
            header[0] = (byte) ((header[0] & 0xF0) | opcode);
            byte[] frame = Arrays.copyOf(header, n + payload.length);
            System.arraycopy(payload, 0, frame, n, payload.length);
            Masking.mask(frame, n, payload.length, 0x11223344, 0);
            return frame;
        }
    }

    @Provide
    Arbitrary<RawFrame> rawFrames() {
        Arbitrary<byte[]> payloads = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.strings().ofMaxLength(300).map(s -> PerMessageDeflate.compressWithoutContext(
                        ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)), 6)));
        return Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.of(0, 0, Frame.RSV1, Frame.RSV1, 2, 1),
                Arbitraries.of(0, 0, 1, 1, 2, 2, 8, 9, 10, 3), payloads)
                .as((fin, rsv, opcode, payload) -> {
                    boolean control = opcode >= 8;
                    return new RawFrame(control || fin, rsv, opcode, control ? Arrays.copyOf(payload, Math.min(payload.length, 125)) : payload);
                });
    }

    @Property(tries = 300)
    void anyFrameSequenceOnACompressingServerFailsOnlyWithAProtocolExceptionAndReleasesZlibMemoryWhenClosed(
            @ForAll @Size(max = 8) List<@From("rawFrames") RawFrame> frames,
            @ForAll @IntRange(min = 1, max = 300) int chunkSize) {
        PerMessageDeflate deflate = new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults());
        Connection server = Connection.builder(Role.SERVER).limits(Limits.defaults().withMaxMessageSize(2000)).deflate(deflate).build();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frames.forEach(frame -> wire.writeBytes(frame.encode()));
        byte[] bytes = wire.toByteArray();
        boolean failed = false;
        for (int i = 0; i < bytes.length; i += chunkSize) {
            server.receive(ByteBuffer.wrap(bytes, i, Math.min(chunkSize, bytes.length - i)).slice());
            for (Event event; (event = server.pollEvent()) != null; ) {
                // drain, so a peer's close or a failure takes effect when polled
                failed |= event instanceof Event.Failure;
            }
        }
        if (failed) {
            assertEquals(Connection.State.CLOSED, server.state());
        }
        if (server.state() == Connection.State.CLOSED) {
            assertTrue(deflate.isClosed(), "a closed connection released its zlib streams");
        }
        server.transportClosed();
        assertTrue(deflate.isClosed());
    }

    private static Connection connection(Role role, PerMessageDeflate deflate) {
        return Connection.builder(role).maskKeys(MaskKeys.fixed(0x5a5a1234)).deflate(deflate).build();
    }

    private static void send(Connection sender, Message message) {
        byte[] payload = message.payload();
        Opcode opcode = message.text() ? Opcode.TEXT : Opcode.BINARY;
        if (message.cuts().isEmpty()) {
            if (message.text()) {
                sender.sendText(new String(payload, StandardCharsets.UTF_8));
            } else {
                sender.sendBinary(ByteBuffer.wrap(payload));
            }
            return;
        }
        List<Integer> cuts = new ArrayList<>(message.cuts().stream().map(c -> Math.min(c, payload.length)).sorted().toList());
        int start = 0;
        for (int cut : cuts) {
            sender.sendFrame(start == 0 && opcode != null ? opcode : Opcode.CONTINUATION,
                    ByteBuffer.wrap(payload, start, cut - start), false);
            opcode = null;
            start = cut;
        }
        sender.sendFrame(opcode != null ? opcode : Opcode.CONTINUATION, ByteBuffer.wrap(payload, start, payload.length - start), true);
    }

    private static byte[] drain(Connection connection) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b = connection.pollOutbound(); b != null; b = connection.pollOutbound()) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
