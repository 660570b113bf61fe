package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/** What a connection holds on behalf of its peer, counted against its {@link MemoryBudget}. */
class ConnectionMemoryTest {

    private static Connection server(MemoryBudget budget) {
        return Connection.builder(Role.SERVER).memoryBudget(budget).build();
    }

    private static Connection compressingServer(MemoryBudget budget) {
        return Connection.builder(Role.SERVER).memoryBudget(budget)
                .deflate(new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults()))
                .build();
    }

    private static void receive(Connection connection, byte[]... parts) throws ProtocolException {
        for (byte[] part : parts) {
            connection.receive(ByteBuffer.wrap(part));
        }
    }

    /** Raw DEFLATE, sync-flushed, without the 00 00 ff ff tail (RFC 7692 7.2.1). */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            byte[] out = new byte[data.length / 100 + 1024];
            int size = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            return Arrays.copyOf(out, size - 4);
        } finally {
            deflater.end();
        }
    }

    /** A compressed first frame (RSV1) of a binary message, not final. */
    private static byte[] compressedFirstFrame(byte[] payload) {
        return Peer.wire(Role.SERVER, new Frame(false, Frame.RSV1, Opcode.BINARY, payload));
    }

    @Nested
    class HeldMessages {
        @Test
        void anUnfinishedCompressedMessageHoldsNoMoreThanTwiceWhatItInflatedTo() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            Connection server = compressingServer(budget);
            int inflated = 700_000;
            receive(server, compressedFirstFrame(deflate(new byte[inflated])));
            assertNull(server.pollEvent());
            assertTrue(budget.held() >= inflated && budget.held() <= 2L * inflated,
                    "holds " + budget.held() + " for " + inflated + " inflated bytes");
            assertEquals(server.reassemblyCapacity(), budget.held());
        }

        @Test
        void aMessageTheBudgetCannotHoldFailsTheConnectionWith1013() throws ProtocolException {
            CountingBudget budget = new CountingBudget(100_000);
            Connection server = compressingServer(budget);
            receive(server, compressedFirstFrame(deflate(new byte[500_000])));
            Event.Failure failure = assertInstanceOf(Event.Failure.class, server.pollEvent());
            assertEquals(Violation.MEMORY_BUDGET_EXCEEDED, failure.violation());
            assertNull(server.pollEvent());
            List<Frame> sent = Peer.sent(server);
            assertEquals(1013, Peer.closeCode(sent.getLast()));
            assertEquals(Connection.State.CLOSED, server.state());
            assertEquals(0, budget.held(), "the failed connection gave everything back");
            assertTrue(budget.highWater() <= 100_000);
        }

        @Test
        void releaseGivesBackAMessageInProgress() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            Connection server = server(budget);
            receive(server, Peer.wire(Role.SERVER, false, Opcode.BINARY, new byte[50_000]));
            assertTrue(budget.held() >= 50_000);
            server.release();
            assertEquals(0, budget.held());
        }
    }

    @Nested
    class Backpressure {
        /**
         * Forty compressed messages of a few hundred bytes each that inflate to 100 KB: one read's
         * worth of them would be 4 MB of messages waiting at once. The connection stops once the
         * messages waiting hold more than the message limit, and goes on when they are taken.
         */
        @Test
        void decodingPausesWhileTheMessagesWaitingHoldMoreThanTheMessageLimit() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            Connection server = Connection.builder(Role.SERVER).memoryBudget(budget)
                    .limits(Limits.defaults().withMaxMessageSize(256 * 1024))
                    .deflate(new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults()))
                    .build();
            byte[] one = Peer.wire(Role.SERVER, new Frame(true, Frame.RSV1, Opcode.BINARY, deflate(new byte[100_000])));
            byte[] forty = new byte[one.length * 40];
            for (int i = 0; i < 40; i++) {
                System.arraycopy(one, 0, forty, i * one.length, one.length);
            }
            ByteBuffer read = ByteBuffer.wrap(forty);
            int messages = 0;
            int calls = 0;
            while (read.hasRemaining()) {
                server.receive(read);
                calls++;
                assertTrue(budget.held() <= 256 * 1024 + 2 * 131_072, "waiting messages hold " + budget.held());
                for (Event event; (event = server.pollEvent()) != null; ) {
                    assertEquals(100_000, ((Event.Binary) event).data().length);
                    messages++;
                }
            }
            assertEquals(40, messages, "every message came, in " + calls + " calls");
            assertTrue(calls > 1, "decoding paused");
            assertEquals(0, budget.held());
        }
    }

    @Nested
    class FinishedMessages {
        @Test
        void aMessagesBytesCountUntilTheCallerHasTakenEveryEvent() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            Connection server = server(budget);
            receive(server, Peer.wire(Role.SERVER, false, Opcode.BINARY, new byte[40_000]),
                    Peer.wire(Role.SERVER, true, Opcode.CONTINUATION, new byte[40_000]));
            Event.Binary message = (Event.Binary) server.pollEvent();
            assertEquals(80_000, message.data().length);
            assertTrue(budget.held() >= 80_000, "held while the caller handles it: " + budget.held());
            assertNull(server.pollEvent());
            assertEquals(0, budget.held());
        }

        @Test
        void aSmallBufferKeptForTheNextMessageIsGivenBackByTrim() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            Connection server = server(budget);
            receive(server, Peer.text(Role.SERVER, false, "hello "), Peer.wire(Role.SERVER, true, Opcode.CONTINUATION,
                    "world".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(new Event.Text("hello world"), server.pollEvent());
            assertNull(server.pollEvent());
            assertTrue(budget.held() > 0 && budget.held() <= 4096, "kept: " + budget.held());
            server.trim();
            assertEquals(0, budget.held());
            assertEquals(0, server.reassemblyCapacity());
        }

        @Test
        void aWholeMessageInOneReadIsNeverBuffered() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            Connection server = server(budget);
            receive(server, Peer.wire(Role.SERVER, true, Opcode.BINARY, new byte[60_000]));
            assertEquals(60_000, ((Event.Binary) server.pollEvent()).data().length);
            assertEquals(0, budget.highWater());
        }
    }
}
