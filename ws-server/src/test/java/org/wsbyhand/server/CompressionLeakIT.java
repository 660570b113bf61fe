package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.Frame;
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.Session;

/**
 * Thousands of compressed sessions that end abruptly (TCP reset, no close frame) at different
 * points: right after the handshake, after a compressed exchange (both zlib streams in use), and in
 * the middle of a compressed fragmented message. Every Deflater and Inflater the server created must
 * be ended: the live counts return to their baseline. Resident memory is reported per wave, and the
 * second wave must not add what leaking the first wave's zlib memory would.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompressionLeakIT {
    private static final int WANTED_PER_WAVE = 2_000;
    private static final int CONCURRENT = 200;

    private static final String TEXT = CompressionIT.chatJson(20);
    /** A whole compressed text message, masked: the server inflates it and echoes it compressed. */
    private static final byte[] COMPRESSED_MESSAGE = FrameEncoder.encode(true, Frame.RSV1, Opcode.TEXT,
            ByteBuffer.wrap(PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(TEXT.getBytes(StandardCharsets.UTF_8)), 6)),
            true, 0x1234abcd);
    /** The first fragment of a compressed message whose end never comes. */
    private static final byte[] FIRST_FRAGMENT = FrameEncoder.encode(false, Frame.RSV1, Opcode.TEXT,
            ByteBuffer.wrap(firstFragment()), true, 0x0badf00d);

    private static byte[] firstFragment() {
        byte[] whole = PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(TEXT.getBytes(StandardCharsets.UTF_8)), 6);
        return java.util.Arrays.copyOf(whole, whole.length / 2);
    }

    @Test
    void abruptlyDroppedCompressedSessionsEndEveryZlibStream() throws Exception {
        long fdLimit = openFileLimit();
        int perWave = (int) Math.min(WANTED_PER_WAVE, Math.max(100, (fdLimit - 500) / 2));
        long deflaters = PerMessageDeflate.liveDeflaters();
        long inflaters = PerMessageDeflate.liveInflaters();
        RecordingHandler handler = new RecordingHandler(true) {
            @Override
            public void onOpen(Session session) {
            }

            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }

            @Override
            public void onError(Session session, Throwable error) {
            }

            @Override
            public void onClose(Session session, org.wsbyhand.protocol.CloseCode code, String reason) {
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/leak", handler).closeTimeout(Duration.ofSeconds(1)).build()) {
            server.start();
            long rssStart = residentBytes();
            runWave(server, perWave);
            awaitNoOpenSessions(server);
            long rssAfterFirst = settledResidentBytes();
            assertEquals(deflaters, PerMessageDeflate.liveDeflaters(), "Deflaters left after the first wave");
            assertEquals(inflaters, PerMessageDeflate.liveInflaters(), "Inflaters left after the first wave");

            runWave(server, perWave);
            awaitNoOpenSessions(server);
            long rssAfterSecond = settledResidentBytes();
            assertEquals(deflaters, PerMessageDeflate.liveDeflaters(), "Deflaters left after the second wave");
            assertEquals(inflaters, PerMessageDeflate.liveInflaters(), "Inflaters left after the second wave");
            assertEquals(2L * perWave, server.stats().upgradesAccepted());

            System.out.printf("%d compressed sessions per wave; RSS %d MiB -> %d MiB after wave 1 -> %d MiB after wave 2;"
                    + " %d compressed messages in, %d out%n", perWave, rssStart >> 20, rssAfterFirst >> 20,
                    rssAfterSecond >> 20, server.stats().compression().messagesIn(), server.stats().compression().messagesOut());
            if (rssStart > 0) {
                // Leaking the zlib memory of the exchanging third of a wave would add over 80 KiB of
                // touched pages per session; freed memory is reused instead. Tolerant of heap growth.
                long leakedWave = perWave / 3 * 80L * 1024;
                assertTrue(rssAfterSecond - rssAfterFirst < Math.max(leakedWave, 64L << 20),
                        "resident memory grew by " + ((rssAfterSecond - rssAfterFirst) >> 20) + " MiB in the second wave");
            }
        }
    }

    private static void runWave(WebSocketServer server, int count) throws Exception {
        Semaphore slots = new Semaphore(CONCURRENT);
        List<Future<?>> results = new ArrayList<>(count);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int kind = i % 3;
                slots.acquire();
                results.add(executor.submit(() -> {
                    try {
                        oneSession(server.port(), kind);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** One session offering permessage-deflate, dropped with a TCP reset at point {@code kind}. */
    private static void oneSession(int port, int kind) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(RawClient.upgradeRequest("/leak", RawClient.newKey(),
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101") || !head.contains("Sec-WebSocket-Extensions: permessage-deflate")) {
                throw new IOException("not a compressed upgrade: " + head);
            }
            if (kind == 1) {
                out.write(COMPRESSED_MESSAGE);
                out.flush();
                int first = in.read();
                if (first != 0xC1) {
                    throw new IOException("expected a compressed text frame (0xC1), got 0x" + Integer.toHexString(first));
                }
            } else if (kind == 2) {
                out.write(FIRST_FRAGMENT);
                out.flush();
            }
            socket.setSoLinger(true, 0); // close() now sends a reset: the abrupt end under test
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the response head");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static void awaitNoOpenSessions(WebSocketServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.stats().openSessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.stats().openSessions());
    }

    private static long settledResidentBytes() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        return residentBytes();
    }

    /** The soft limit on open files from /proc/self/limits, or 1024 where there is no /proc. */
    private static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: fall through.
        }
        return 1024;
    }

    /** VmRSS from /proc/self/status, or 0 where there is no /proc. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
