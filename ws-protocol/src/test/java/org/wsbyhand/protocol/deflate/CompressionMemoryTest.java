package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;

/**
 * What a compressing session holds between messages: 1,000 server-side {@link PerMessageDeflate}s
 * that compress chat messages with context takeover, so each keeps its compressor. At a 10-bit
 * window that is {@link DeflateCompressor}'s heap arrays, measured here as the heap that survives
 * a full collection, and bounded; at 15 bits it is zlib's native memory, which the Java heap does
 * not show, so the test prints the process's resident memory growth for comparison without
 * asserting on it (the kernel's accounting of freed native memory is not exact).
 */
class CompressionMemoryTest {

    private static final int SESSIONS = 1000;
    /** Generous: the arrays are ~9 KiB at 10 bits, the Huffman tables ~6 KiB, small scratch besides. */
    private static final long MAX_BYTES_PER_SESSION_AT_10_BITS = 32 * 1024;

    private static List<byte[]> chatMessages() {
        Random random = new Random(99);
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StringBuilder json = new StringBuilder("{\"type\":\"message\",\"room\":\"general\",\"user\":\"user");
            json.append(random.nextInt(100)).append("\",\"text\":\"");
            for (int w = 10 + random.nextInt(60); w > 0; w--) {
                json.append(List.of("hello", "there", "how", "are", "you", "doing", "today", "see", "later").get(random.nextInt(9))).append(' ');
            }
            messages.add(json.append("\",\"time\":").append(1_763_700_000_000L + i).append('}').toString().getBytes(StandardCharsets.UTF_8));
        }
        return messages;
    }

    private static long heapAfterFullCollection() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /** Opens {@link #SESSIONS} server sides with the given window and has each compress the chat messages. */
    private static List<PerMessageDeflate> compressingSessions(int windowBits, List<byte[]> messages) {
        DeflateParameters agreed = new DeflateParameters(false, false, windowBits, 15);
        List<PerMessageDeflate> sessions = new ArrayList<>(SESSIONS);
        for (int i = 0; i < SESSIONS; i++) {
            PerMessageDeflate session = new PerMessageDeflate(Role.SERVER, agreed, DeflateOptions.defaults());
            for (byte[] message : messages) {
                session.compress(ByteBuffer.wrap(message));
            }
            sessions.add(session);
        }
        return sessions;
    }

    @Test
    void aThousandSessionsCompressingWithContextTakeoverAtTenBitsHoldABoundedHeapEach() throws ProtocolException {
        List<byte[]> messages = chatMessages();
        // The compressed messages are valid: a 10-bit session's output inflates back.
        try (PerMessageDeflate sender = new PerMessageDeflate(Role.SERVER, new DeflateParameters(false, false, 10, 15),
                DeflateOptions.defaults());
                PerMessageDeflate receiver = new PerMessageDeflate(Role.CLIENT, new DeflateParameters(false, false, 10, 15),
                        DeflateOptions.defaults())) {
            for (byte[] message : messages) {
                assertArrayEquals(message, receiver.decompress(sender.compress(ByteBuffer.wrap(message)), 1 << 20));
            }
        }

        long heapBefore = heapAfterFullCollection();
        List<PerMessageDeflate> ours = compressingSessions(10, messages);
        long heapPerSession = (heapAfterFullCollection() - heapBefore) / SESSIONS;
        assertTrue(ours.stream().allMatch(PerMessageDeflate::holdsDeflater), "every session keeps its compressor");
        ours.forEach(PerMessageDeflate::close);
        ours = null;

        long rssBefore = residentBytes();
        long deflatersBefore = PerMessageDeflate.liveDeflaters();
        List<PerMessageDeflate> zlib = compressingSessions(15, messages);
        long rssPerSession = (residentBytes() - rssBefore) / SESSIONS;
        long deflaters = PerMessageDeflate.liveDeflaters() - deflatersBefore;
        zlib.forEach(PerMessageDeflate::close);

        System.out.printf("Per compressing session with context takeover: DeflateCompressor at 10 bits %,d heap bytes "
                + "(its lasting arrays: %,d); Deflater at 15 bits %,d bytes of resident memory (%d Deflaters)%n",
                heapPerSession, DeflateCompressor.memoryBytes(10), rssPerSession, deflaters);
        assertTrue(heapPerSession <= MAX_BYTES_PER_SESSION_AT_10_BITS,
                heapPerSession + " heap bytes per 10-bit session, over " + MAX_BYTES_PER_SESSION_AT_10_BITS);
        assertTrue(heapPerSession >= DeflateCompressor.memoryBytes(10) / 2, "the measurement saw the arrays: " + heapPerSession);
    }
}
