package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageAssembler assembler(int maxMessageSize) {
        return assembler(maxMessageSize, CountingBudget.unlimited());
    }

    private static MessageAssembler assembler(int maxMessageSize, MemoryBudget budget) {
        return new MessageAssembler(org.wsbyhand.protocol.Limits.defaults().withMaxMessageSize(maxMessageSize), null, budget);
    }

    /** One frame of a message: its header check, then its payload in one chunk. */
    private static void frame(MessageAssembler assembler, byte[] payload, boolean fin) throws ProtocolException {
        assembler.checkFrame(payload.length, fin);
        assembler.append(payload, 0, payload.length);
    }

    @Nested
    class Reassembly {

        @Test
        void chunksOfSeveralFramesBecomeOneTextEvent() throws ProtocolException {
            MessageAssembler assembler = assembler(1000);
            assembler.begin(Opcode.TEXT, false);
            byte[] euro = utf8("€"); // three bytes, cut between chunks
            frame(assembler, new byte[] {'a', euro[0]}, false);
            frame(assembler, new byte[] {euro[1], euro[2], 'b'}, true);
            assertEquals(new Event.Text("a€b"), assembler.finish());
            assertFalse(assembler.inProgress());
        }

        @Test
        void aWholeMessageInOneChunkIsNotBuffered() throws ProtocolException {
            MessageAssembler assembler = assembler(1000);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrame(3, true);
            assertEquals(new Event.Binary(new byte[] {1, 2, 3}), assembler.whole(new byte[] {9, 1, 2, 3}, 1, 3));
            assertEquals(0, assembler.capacity());
        }

        @Test
        void binaryEventsOwnTheirBytes() throws ProtocolException {
            MessageAssembler assembler = assembler(1000);
            byte[] chunk = {1, 2};
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, chunk, true);
            Event.Binary event = (Event.Binary) assembler.finish();
            chunk[0] = 7;
            assertArrayEquals(new byte[] {1, 2}, event.data());
        }
    }

    @Nested
    class Limits {

        @Test
        void aFrameThatWouldTakeTheMessageOverTheLimitFailsBeforeItsPayloadIsBuffered() throws ProtocolException {
            MessageAssembler assembler = assembler(10);
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, new byte[6], false);
            ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.checkFrame(5, true));
            assertEquals(Violation.MESSAGE_TOO_BIG, e.violation());
        }

        @Test
        void aMessageOfMoreFramesThanTheFragmentLimitFailsWith1009() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(
                    org.wsbyhand.protocol.Limits.defaults().withMaxFragments(3), null, CountingBudget.unlimited());
            assembler.begin(Opcode.BINARY, false);
            for (int i = 0; i < 3; i++) {
                frame(assembler, new byte[] {(byte) i}, false);
            }
            ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.checkFrame(1, true));
            assertEquals(Violation.TOO_MANY_FRAGMENTS, e.violation());
            assertEquals(CloseCode.MESSAGE_TOO_BIG, e.closeCode());
        }

        @Test
        void theFragmentCountStartsAgainWithEachMessage() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(
                    org.wsbyhand.protocol.Limits.defaults().withMaxFragments(2), null, CountingBudget.unlimited());
            for (int message = 0; message < 3; message++) {
                assembler.begin(Opcode.BINARY, false);
                frame(assembler, new byte[] {1}, false);
                frame(assembler, new byte[] {2}, true);
                assertEquals(new Event.Binary(new byte[] {1, 2}), assembler.finish());
            }
        }

        @Test
        void aBigReassemblyBufferIsDroppedAfterItsMessage() throws ProtocolException {
            MessageAssembler assembler = assembler(1 << 20);
            assembler.begin(Opcode.TEXT, false);
            frame(assembler, new byte[100_000], true);
            assertTrue(assembler.capacity() >= 100_000);
            assembler.finish();
            assertEquals(0, assembler.capacity());
        }

        @Test
        void theFinalFrameOfAMessageStopsTheBufferAtItsEnd() throws ProtocolException {
            MessageAssembler assembler = assembler(1 << 20);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrame(5000, true);
            assembler.append(new byte[4096], 0, 4096);
            assembler.append(new byte[904], 0, 904);
            assertEquals(5000, assembler.capacity());
        }

        @Test
        void aFrameThatIsOnlyAnnouncedGetsNoBigBuffer() throws ProtocolException {
            MessageAssembler assembler = assembler(16 << 20);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrame(16 << 20, true);
            assertEquals(0, assembler.capacity(), "nothing is allocated for bytes that have not arrived");
            assembler.append(new byte[10], 0, 10);
            assertTrue(assembler.capacity() <= 512, "capacity " + assembler.capacity());
        }

        @Test
        void theBufferNeverHoldsMoreThanTwiceTheBytesThatArrived() throws ProtocolException {
            MessageAssembler assembler = assembler(1 << 20);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrame(1 << 20, true);
            int arrived = 0;
            for (int chunk : new int[] {1, 700, 3000, 10_000, 100_000, 333_333}) {
                assembler.append(new byte[chunk], 0, chunk);
                arrived += chunk;
                assertTrue(assembler.capacity() <= Math.max(512, 2L * arrived + 16),
                        "capacity " + assembler.capacity() + " after " + arrived + " bytes");
            }
        }

        @Test
        void aMessageThatFillsItsBufferExactlyTakesTheBufferWithIt() throws ProtocolException {
            MessageAssembler assembler = assembler(1 << 20);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrame(300, true);
            assembler.append(new byte[100], 0, 100);
            assembler.append(new byte[200], 0, 200);
            Event.Binary event = (Event.Binary) assembler.finish();
            assertEquals(300, event.data().length);
            assertEquals(0, assembler.capacity(), "the buffer became the event's array");
        }
    }

    @Nested
    class Time {

        /**
         * A message in one-byte fragments is copied a bounded number of times in all, not once per
         * fragment: the buffer is reallocated only when it doubles.
         */
        @Test
        void aMessageInOneByteFragmentsReallocatesItsBufferOnlyLogarithmicallyOften() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            MessageAssembler assembler = new MessageAssembler(
                    org.wsbyhand.protocol.Limits.defaults().withMaxFragments(1 << 20), null, budget);
            assembler.begin(Opcode.BINARY, false);
            int growths = 0;
            int capacity = 0;
            for (int i = 0; i < (1 << 16); i++) {
                frame(assembler, new byte[] {(byte) i}, false);
                if (assembler.capacity() != capacity) {
                    capacity = assembler.capacity();
                    growths++;
                }
            }
            assertTrue(growths <= 10, "grew " + growths + " times for 65,536 bytes");
        }
    }

    @Nested
    class Budget {

        @Test
        void everyGrowthIsAskedOfTheBudgetBeforeItIsAllocated() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            MessageAssembler assembler = assembler(1 << 20, budget);
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, new byte[20_000], false);
            frame(assembler, new byte[50_000], false);
            assertEquals(assembler.capacity(), budget.held());
        }

        @Test
        void aRefusedGrowthFailsWith1013AndAllocatesNothing() throws ProtocolException {
            CountingBudget budget = new CountingBudget(10_000);
            MessageAssembler assembler = assembler(1 << 20, budget);
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, new byte[5000], false);
            int before = assembler.capacity();
            ProtocolException e = assertThrows(ProtocolException.class, () -> frame(assembler, new byte[8000], false));
            assertEquals(Violation.MEMORY_BUDGET_EXCEEDED, e.violation());
            assertEquals(CloseCode.TRY_AGAIN_LATER, e.closeCode());
            assertEquals(before, assembler.capacity());
            assertEquals(before, budget.held());
        }

        @Test
        void aSmallBufferIsKeptForTheNextMessageUntilTrimmed() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            MessageAssembler assembler = assembler(1 << 20, budget);
            assembler.begin(Opcode.TEXT, false);
            frame(assembler, utf8("hello "), false);
            frame(assembler, utf8("world"), true);
            assertEquals(new Event.Text("hello world"), assembler.finish());
            assertTrue(assembler.capacity() > 0 && assembler.capacity() <= MessageAssembler.KEEP_CAPACITY);
            assertEquals(assembler.capacity(), budget.held());
            assembler.trim();
            assertEquals(0, assembler.capacity());
            assertEquals(0, budget.held());
        }

        @Test
        void aFinishedMessagesBytesCountUntilItsEventIsTaken() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            MessageAssembler assembler = assembler(1 << 20, budget);
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, new byte[30_000], false);
            frame(assembler, new byte[30_000], true);
            Event.Binary event = (Event.Binary) assembler.finish();
            assertEquals(60_000, event.data().length);
            assertEquals(0, assembler.capacity());
            assertTrue(budget.held() >= 60_000, "the event's bytes still count: " + budget.held());
            assembler.eventsTaken();
            assertEquals(0, budget.held());
        }

        @Test
        void releasingEverythingBalancesTheBudgetWhateverWasInProgress() throws ProtocolException {
            CountingBudget budget = CountingBudget.unlimited();
            MessageAssembler assembler = assembler(1 << 20, budget);
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, new byte[10_000], true);
            assembler.finish();
            assembler.begin(Opcode.TEXT, false);
            frame(assembler, utf8("partial"), false);
            assembler.releaseAll();
            assertEquals(0, budget.held());
            assertEquals(0, assembler.capacity());
        }
    }

    @Nested
    class Utf8 {

        @Test
        void anInvalidByteFailsTheChunkItArrivesIn() throws ProtocolException {
            MessageAssembler assembler = assembler(1000);
            assembler.begin(Opcode.TEXT, false);
            frame(assembler, utf8("fine so far"), false);
            assembler.checkFrame(1, true);
            ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.append(new byte[] {(byte) 0xC0}, 0, 1));
            assertEquals(Violation.INVALID_UTF8, e.violation());
        }

        @Test
        void aMessageEndingInsideACharacterFailsAtItsEnd() throws ProtocolException {
            MessageAssembler assembler = assembler(1000);
            assembler.begin(Opcode.TEXT, false);
            frame(assembler, new byte[] {'a', (byte) 0xE2, (byte) 0x82}, true);
            ProtocolException e = assertThrows(ProtocolException.class, assembler::finish);
            assertEquals(Violation.INVALID_UTF8, e.violation());
        }

        @Test
        void binaryMessagesAreNotValidatedAsText() throws ProtocolException {
            MessageAssembler assembler = assembler(1000);
            assembler.begin(Opcode.BINARY, false);
            frame(assembler, new byte[] {(byte) 0xC0, (byte) 0xFF}, true);
            assertEquals(new Event.Binary(new byte[] {(byte) 0xC0, (byte) 0xFF}), assembler.finish());
        }
    }
}
