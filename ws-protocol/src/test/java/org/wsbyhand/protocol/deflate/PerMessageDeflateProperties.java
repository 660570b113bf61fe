package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;

class PerMessageDeflateProperties {

    /** Random bytes (incompressible), text from a small alphabet (compressible), and runs. */
    @Provide
    Arbitrary<byte[]> messages() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<byte[]> text = Arbitraries.strings().withChars("{}\":, abcdeuserxt0123").ofMaxLength(20_000)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> runs = Arbitraries.integers().between(0, 100_000).map(n -> new byte[n]);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, random), net.jqwik.api.Tuple.of(6, text), net.jqwik.api.Tuple.of(1, runs));
    }

    @Provide
    Arbitrary<DeflateParameters> parameters() {
        return Arbitraries.of(true, false).list().ofSize(2)
                .map(flags -> new DeflateParameters(flags.get(0), flags.get(1), 15, 15));
    }

    @Property(tries = 200)
    void everyMessageOfASequenceInflatesToItselfWhateverTheChunkingAndContextTakeover(
            @ForAll @Size(max = 6) List<@From("messages") byte[]> messages,
            @ForAll("parameters") DeflateParameters parameters,
            @ForAll @IntRange(min = 0, max = 9) int level,
            @ForAll @IntRange(min = 1, max = 5000) int chunkSize,
            @ForAll boolean serverSends) throws ProtocolException {
        DeflateOptions options = DeflateOptions.defaults().withCompressionLevel(level);
        Role senderRole = serverSends ? Role.SERVER : Role.CLIENT;
        Role receiverRole = serverSends ? Role.CLIENT : Role.SERVER;
        try (PerMessageDeflate sender = new PerMessageDeflate(senderRole, parameters, options);
                PerMessageDeflate receiver = new PerMessageDeflate(receiverRole, parameters, options)) {
            for (byte[] message : messages) {
                byte[] compressed = sender.compress(ByteBuffer.wrap(message));
                assertArrayEquals(message, inflateInChunks(receiver, List.of(compressed), chunkSize));
            }
        }
    }

    @Property(tries = 200)
    void aMessageCompressedFragmentByFragmentInflatesToItself(
            @ForAll @Size(min = 1, max = 4) List<@From("messages") byte[]> messages,
            @ForAll("parameters") DeflateParameters parameters,
            @ForAll @Size(max = 5) List<@IntRange(min = 0, max = 30_000) Integer> cuts,
            @ForAll @IntRange(min = 1, max = 5000) int chunkSize) throws ProtocolException {
        try (PerMessageDeflate sender = new PerMessageDeflate(Role.SERVER, parameters, DeflateOptions.defaults());
                PerMessageDeflate receiver = new PerMessageDeflate(Role.CLIENT, parameters, DeflateOptions.defaults())) {
            for (byte[] message : messages) {
                List<byte[]> payloads = new ArrayList<>();
                int start = 0;
                for (int cut : cuts.stream().map(c -> Math.min(c, message.length)).sorted().toList()) {
                    payloads.add(sender.compressFragment(ByteBuffer.wrap(message, start, cut - start), false));
                    start = cut;
                }
                payloads.add(sender.compressFragment(ByteBuffer.wrap(message, start, message.length - start), true));
                assertArrayEquals(message, inflateInChunks(receiver, payloads, chunkSize));
            }
        }
    }

    @Property(tries = 100)
    void messagesCompressedWithoutContextInterleaveWithOwnMessagesOnOneConnection(
            @ForAll @Size(min = 1, max = 6) List<@From("messages") byte[]> messages,
            @ForAll @Size(min = 6, max = 6) List<Boolean> shared) throws ProtocolException {
        try (PerMessageDeflate sender = new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults());
                PerMessageDeflate receiver = new PerMessageDeflate(Role.CLIENT, DeflateParameters.defaults(), DeflateOptions.defaults())) {
            for (int i = 0; i < messages.size(); i++) {
                byte[] message = messages.get(i);
                byte[] payload;
                if (shared.get(i)) {
                    payload = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(message), 6);
                    sender.messageSentWithoutContext();
                } else {
                    payload = sender.compress(ByteBuffer.wrap(message));
                }
                assertArrayEquals(message, inflateInChunks(receiver, List.of(payload), 1024));
            }
        }
    }

    @Property(tries = 100)
    void inflatingArbitraryBytesFailsOnlyWithAProtocolExceptionAndNeverExceedsTheLimit(
            @ForAll @Size(max = 2000) byte[] garbage,
            @ForAll @IntRange(min = 1, max = 100_000) int limit) {
        try (PerMessageDeflate receiver = new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults())) {
            byte[] inflated = receiver.decompress(garbage, limit);
            assertTrue(inflated.length <= limit, "at most the limit, was " + inflated.length);
            assertTrue(receiver.bytesAfterInflation() <= limit + 1L, "nothing inflated past the limit and one probe byte");
        } catch (ProtocolException expected) {
            // bad data or over the limit: both are the peer's fault
            assertTrue(expected.violation() == org.wsbyhand.protocol.Violation.INVALID_COMPRESSED_DATA
                    || expected.violation() == org.wsbyhand.protocol.Violation.MESSAGE_TOO_BIG, expected.toString());
        }
    }

    private static byte[] inflateInChunks(PerMessageDeflate receiver, List<byte[]> payloads, int chunkSize)
            throws ProtocolException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] payload : payloads) {
            for (int i = 0; i < payload.length; i += chunkSize) {
                receiver.input(payload, i, Math.min(chunkSize, payload.length - i));
                PerMessageDeflateTest.drain(receiver, out);
            }
        }
        receiver.endInput();
        PerMessageDeflateTest.drain(receiver, out);
        return out.toByteArray();
    }
}
