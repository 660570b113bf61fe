package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.PreparedMessage;

/**
 * Thousands of concurrent sessions on loopback: all open at once, all reached by a broadcast, all
 * closed cleanly. Client and server share this JVM, so each connection costs two file descriptors;
 * the count is capped to what the process limit allows (the test logs what it used). Prints the
 * time to connect and the heap growth, which are reported, never asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManyConnectionsIT {
    private static final int WANTED = 5_000;

    @Test
    void fiveThousandConcurrentSessionsOpenReceiveAndCloseCleanly() throws Exception {
        long fdLimit = openFileLimit();
        // Two descriptors per connection (client and server side) plus headroom for the JVM.
        int sessions = (int) Math.min(WANTED, Math.max(100, (fdLimit - 500) / 2));
        System.out.printf("open file limit %d -> %d sessions%n", fdLimit, sessions);

        RecordingHandler handler = new RecordingHandler(false) {
            @Override
            public void onOpen(Session session) {
                // Recording 5,000 calls is not the point here.
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
            }
        };
        Runtime runtime = Runtime.getRuntime();
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/many", handler).build()) {
            server.start();
            System.gc();
            long heapBefore = runtime.totalMemory() - runtime.freeMemory();

            long start = System.nanoTime();
            List<RawClient> clients = RawClient.openAll(server.port(), "/many", sessions);
            long connectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(sessions, server.stats().openSessions());

            System.gc();
            long heapAfter = runtime.totalMemory() - runtime.freeMemory();
            System.out.printf("%d sessions connected in %d ms; heap %d MiB -> %d MiB (%d bytes per connection,"
                    + " client side included)%n", sessions, connectMillis, heapBefore >> 20, heapAfter >> 20,
                    (heapAfter - heapBefore) / sessions);

            assertEquals(sessions, server.broadcast(PreparedMessage.text("to everyone")));
            for (RawClient client : clients) {
                assertEquals("to everyone", client.readFrame().text());
            }

            start = System.nanoTime();
            for (RawClient client : clients) {
                client.sendClose(1000, "");
            }
            for (RawClient client : clients) {
                assertEquals(1000, client.readUntilClose().closeCode());
                assertTrue(client.serverClosed());
                client.close();
            }
            awaitNoOpenSessions(server);
            System.out.printf("%d sessions closed in %d ms%n", sessions,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertEquals(sessions, server.stats().closes(CloseCode.NORMAL_CLOSURE));
            assertEquals(sessions, server.stats().upgradesAccepted());
        }
    }


    private static void awaitNoOpenSessions(WebSocketServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.stats().openSessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.stats().openSessions());
    }

    /** The process's open file limit from /proc (Linux), or a conservative 1024 elsewhere. */
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
}
