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

    @Nested
    class Reassembly {

        @Test
        void chunksOfSeveralFramesBecomeOneTextEvent() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1000, null);
            assembler.begin(Opcode.TEXT, false);
            byte[] euro = utf8("€"); // three bytes, cut between chunks
            assembler.append(new byte[] {'a', euro[0]}, 0, 2);
            assembler.append(new byte[] {euro[1], euro[2], 'b'}, 0, 3);
            assertEquals(new Event.Text("a€b"), assembler.finish());
            assertFalse(assembler.inProgress());
        }

        @Test
        void aWholeMessageInOneChunkIsNotBuffered() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1000, null);
            assembler.begin(Opcode.BINARY, false);
            assertEquals(new Event.Binary(new byte[] {1, 2, 3}), assembler.whole(new byte[] {9, 1, 2, 3}, 1, 3));
            assertEquals(0, assembler.capacity());
        }

        @Test
        void binaryEventsOwnTheirBytes() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1000, null);
            byte[] chunk = {1, 2};
            assembler.begin(Opcode.BINARY, false);
            assembler.append(chunk, 0, 2);
            Event.Binary event = (Event.Binary) assembler.finish();
            chunk[0] = 7;
            assertArrayEquals(new byte[] {1, 2}, event.data());
        }
    }

    @Nested
    class Limits {

        @Test
        void aFrameThatWouldTakeTheMessageOverTheLimitFailsBeforeItsPayloadIsBuffered() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(10, null);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrameFits(6);
            assembler.append(new byte[6], 0, 6);
            ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.checkFrameFits(5));
            assertEquals(Violation.MESSAGE_TOO_BIG, e.violation());
        }

        @Test
        void aBigReassemblyBufferIsDroppedAfterItsMessage() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1 << 20, null);
            assembler.begin(Opcode.BINARY, false);
            assembler.append(new byte[100_000], 0, 100_000);
            assertTrue(assembler.capacity() >= 100_000);
            assembler.finish();
            assertEquals(0, assembler.capacity());
        }

        @Test
        void theBufferNeverGrowsPastTheEndOfTheFrameItsHeaderAnnounced() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1 << 20, null);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrameFits(5000);
            assembler.append(new byte[4096], 0, 4096);
            assembler.append(new byte[904], 0, 904);
            assertEquals(5000, assembler.capacity());
        }

        @Test
        void aFrameThatIsOnlyAnnouncedGetsNoBigBuffer() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(16 << 20, null);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrameFits(16 << 20);
            assertEquals(0, assembler.capacity(), "nothing is allocated for bytes that have not arrived");
            assembler.append(new byte[10], 0, 10);
            assertTrue(assembler.capacity() <= 64 * 1024, "capacity " + assembler.capacity());
        }

        @Test
        void aMessageThatFillsItsBufferExactlyTakesTheBufferWithIt() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1 << 20, null);
            assembler.begin(Opcode.BINARY, false);
            assembler.checkFrameFits(300);
            assembler.append(new byte[100], 0, 100);
            assembler.append(new byte[200], 0, 200);
            Event.Binary event = (Event.Binary) assembler.finish();
            assertEquals(300, event.data().length);
            assertEquals(0, assembler.capacity(), "the buffer became the event's array");
        }
    }

    @Nested
    class Utf8 {

        @Test
        void anInvalidByteFailsTheChunkItArrivesIn() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1000, null);
            assembler.begin(Opcode.TEXT, false);
            assembler.append(utf8("fine so far"), 0, 11);
            ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.append(new byte[] {(byte) 0xC0}, 0, 1));
            assertEquals(Violation.INVALID_UTF8, e.violation());
        }

        @Test
        void aMessageEndingInsideACharacterFailsAtItsEnd() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1000, null);
            assembler.begin(Opcode.TEXT, false);
            assembler.append(new byte[] {'a', (byte) 0xE2, (byte) 0x82}, 0, 3);
            ProtocolException e = assertThrows(ProtocolException.class, assembler::finish);
            assertEquals(Violation.INVALID_UTF8, e.violation());
        }

        @Test
        void binaryMessagesAreNotValidatedAsText() throws ProtocolException {
            MessageAssembler assembler = new MessageAssembler(1000, null);
            assembler.begin(Opcode.BINARY, false);
            assembler.append(new byte[] {(byte) 0xC0, (byte) 0xFF}, 0, 2);
            assertEquals(new Event.Binary(new byte[] {(byte) 0xC0, (byte) 0xFF}), assembler.finish());
        }
    }
}
