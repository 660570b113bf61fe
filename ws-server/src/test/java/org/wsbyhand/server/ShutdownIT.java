package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;

/** Graceful shutdown: 1001 to everyone, a bounded wait, and close() returns when all threads are done. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownIT {

    @Test
    void everyOpenSessionSees1001AndCloseReturnsWhenAllAreDone() throws Exception {
        RecordingHandler handler = new RecordingHandler(true);
        WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/ws", handler).build();
        server.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            List<JdkClient> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clients.add(JdkClient.connect(http, server.port(), "/ws"));
            }
            server.close();
            for (JdkClient client : clients) {
                JdkClient.Close close = client.awaitClose();
                assertEquals(1001, close.code());
            }
            assertEquals(0, server.stats().openSessions());
            assertEquals(10, server.stats().closes(CloseCode.GOING_AWAY));
        }
    }

    @Test
    void clientsThatNeverAnswerAreDroppedAfterTheCloseTimeout() throws Exception {
        WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", new RecordingHandler(false)).closeTimeout(Duration.ofMillis(300)).build();
        server.start();
        try (RawClient silent = RawClient.open(server.port(), "/ws")) {
            awaitOpen(server, 1);
            server.close();
            // close() has returned: the silent client's session is over without its cooperation.
            assertEquals(0, server.stats().openSessions());
            assertEquals(1001, silent.readUntilClose().closeCode());
            assertTrue(silent.serverClosed());
        }
    }

    @Test
    void noNewConnectionsAreAcceptedAfterClose() throws Exception {
        WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", new RecordingHandler(false)).build();
        server.start();
        int port = server.port();
        server.close();
        assertThrows(java.io.IOException.class, () -> RawClient.open(port, "/ws"));
    }

    static void awaitOpen(WebSocketServer server, int sessions) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.stats().openSessions() < sessions && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(sessions, server.stats().openSessions());
    }
}
