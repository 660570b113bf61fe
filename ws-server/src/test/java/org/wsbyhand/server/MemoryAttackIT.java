package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The memory attacks against a server with default settings in a JVM of its own with a 256 MiB
 * heap ({@link ForkedServer}), where running out of memory would kill it: the heap after a full
 * collection is read from the server itself, so the figures are the server's alone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MemoryAttackIT {
    private static final int HEAP_MIB = 256;

    private ForkedServer target;
    private int port;

    @BeforeEach
    void startTarget() throws Exception {
        target = new ForkedServer("memory-target", "-Xmx" + HEAP_MIB + "m", "-XX:+UseG1GC");
        port = target.port();
    }

    @AfterEach
    void stopTarget() throws Exception {
        target.close();
    }

    private Map<String, Long> stats() throws IOException {
        return target.stats();
    }

    private void assertEchoes() throws IOException {
        target.assertEchoes();
    }

    private Map<String, Long> awaitParked(int sessions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<String, Long> figures = stats();
            if (figures.get("parked") >= sessions || System.nanoTime() > deadline) {
                return figures;
            }
            Thread.sleep(200);
        }
    }

    /** Raw DEFLATE of {@code data}, sync-flushed, without the 00 00 ff ff tail (RFC 7692 7.2.1). */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            byte[] out = new byte[data.length / 100 + 1024];
            int size = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            assertTrue(size < out.length);
            return Arrays.copyOf(out, size - 4);
        } finally {
            deflater.end();
        }
    }

    private RawClient openCompressed() throws IOException {
        RawClient client = RawClient.connect(port);
        String head = client.request(RawClient.upgradeRequest("/echo", RawClient.newKey(),
                "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        assertEquals(101, RawClient.status(head), head);
        assertTrue(head.contains("permessage-deflate"), head);
        return client;
    }

    /**
     * 600 sessions each send the first frame of a compressed message, about 1 KB that inflates to
     * just under the 1 MiB default message limit, and stall: 0.6 MB that used to make a server with
     * a 1 GiB heap throw OutOfMemoryError and stop accepting for good. Now the default budget, a
     * quarter of the heap, holds what fits and refuses the rest with 1013; the server keeps serving.
     */
    @Test
    void sixHundredHeldCompressedMessagesLeaveTheServerServingWithinItsBudget() throws Exception {
        long before = stats().get("heap");
        byte[] firstFrame = RawClient.encode(false, 4, 0x2, deflate(new byte[(1 << 20) - 1024]), true);
        List<RawClient> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < 600; i++) {
                RawClient attacker = openCompressed();
                attackers.add(attacker);
                attacker.sendRaw(firstFrame);
            }
            assertEchoes();
            Map<String, Long> during = stats();
            long budget = during.get("budget");
            assertEquals(HEAP_MIB / 4 * (1L << 20), budget, 0.05 * budget, "the default budget is a quarter of the heap");
            assertTrue(during.get("refusals") >= 500, during + ": most attackers were refused");
            assertTrue(during.get("held") <= budget, during + ": within the budget");
            long heapGrowth = during.get("heap") - before;
            assertTrue(heapGrowth <= budget + (16L << 20), "the heap grew by " + (heapGrowth >> 20) + " MiB, the budget is "
                    + (budget >> 20) + " MiB (+16 MiB for 600 connections)");
            System.out.printf("held compressed messages: heap %d -> %d MiB, held %d MiB of %d MiB, %d refused%n",
                    before >> 20, during.get("heap") >> 20, during.get("held") >> 20, budget >> 20, during.get("refusals"));
        } finally {
            for (RawClient attacker : attackers) {
                attacker.close();
            }
        }
        assertTrue(target.isAlive(), "the server survived");
        assertEchoes();
    }

    /**
     * Heap per idle session, after one message each: plain, then compressed (permessage-deflate
     * both ways). A compressing session keeps its zlib streams (native memory, not on the heap) but
     * no message buffer, so its heap is close to a plain session's.
     */
    @Test
    void anIdleSessionHoldsAboutAsMuchHeapAfterACompressedMessageAsAfterAPlainOne() throws Exception {
        int sessions = 1000;
        long plain = idleHeapPerSession(sessions, false);
        long compressed = idleHeapPerSession(sessions, true);
        System.out.printf("idle heap per session after one message: plain %d B, compressed %d B%n", plain, compressed);
        assertTrue(plain < 4096, "plain " + plain + " B per session");
        assertTrue(compressed < plain + 1536, "compressed " + compressed + " B per session, plain " + plain + " B");
    }

    private long idleHeapPerSession(int sessions, boolean compressed) throws Exception {
        long before = stats().get("heap");
        String text = "{\"user\":\"someone\",\"text\":\"" + "a chat message of some length ".repeat(4) + "\"}";
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                RawClient client = compressed ? openCompressed() : RawClient.open(port, "/echo");
                clients.add(client);
                if (compressed) {
                    client.sendRaw(RawClient.encode(true, 4, 0x1, deflate(text.getBytes(StandardCharsets.UTF_8)), true));
                } else {
                    client.sendText(text);
                }
                client.readFrame();
            }
            Map<String, Long> idle = awaitParked(sessions);
            assertEquals(sessions, idle.get("parked"), "every session gave back its thread");
            return (idle.get("heap") - before) / sessions;
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // The statistics client's own connection is the one left.
            while (stats().get("connections") > 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }
}
