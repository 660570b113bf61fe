package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.PreparedMessage;

/**
 * Idle sessions give back their virtual thread and wait on the server's selector
 * ({@link ServerConfig#threadRelease()}); everything that can happen to a session must still
 * happen to a parked one: bytes arriving, sends from other threads, pings, closes, the peer
 * leaving, shutdown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadReleaseIT {
    private static final Duration RELEASE = Duration.ofMillis(50);

    private static WebSocketServer start(RecordingHandler handler, UnaryOperator<ServerBuilder> settings)
            throws Exception {
        WebSocketServer server = settings.apply(WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", handler).threadRelease(RELEASE)).build();
        server.start();
        return server;
    }

    /** Waits (at most 10 s) until the count reaches {@code expected}; returns the last value seen. */
    private static int awaitCount(IntSupplier count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int value = count.getAsInt();
        while (value != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
            value = count.getAsInt();
        }
        return value;
    }

    private static int parked(WebSocketServer server) {
        return server.stats().parkedSessions();
    }

    @Nested
    class Parking {
        @Test
        void quietSessionParksAndComesBackWhenAMessageArrives() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = start(handler, b -> b);
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                assertEquals(1, awaitCount(() -> parked(server), 1), "the quiet session parked");
                client.sendText("wake up");
                RawClient.Frame echo = client.readFrame();
                assertEquals(0x1, echo.opcode());
                assertEquals("wake up", new String(echo.payload(), StandardCharsets.UTF_8));
                assertEquals(1, awaitCount(() -> parked(server), 1), "parked again after the echo");
                client.sendText("again");
                assertEquals("again", new String(client.readFrame().payload(), StandardCharsets.UTF_8));
            }
        }

        @Test
        void busySessionThatFallsQuietReleasesItsThreadOnceThePingIsAnswered() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = start(handler, b -> b.pingInterval(Duration.ofMillis(400)));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                // Back-to-back messages: the reader reads without a timeout (it is busy).
                for (int i = 0; i < 50; i++) {
                    client.sendText("busy " + i);
                    assertEquals("busy " + i, new String(client.readFrame().payload(), StandardCharsets.UTF_8));
                }
                RawClient.Frame ping = client.readFrame();
                assertEquals(0x9, ping.opcode(), "the quiet session is pinged");
                assertEquals(0, parked(server), "a busy session that fell quiet keeps its thread until its next byte");
                client.sendFrame(true, 0xA, ping.payload(), true);
                assertEquals(1, awaitCount(() -> parked(server), 1), "released after the pong");
            }
        }

        @Test
        void zeroKeepsTheThreadForTheWholeSession() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = start(handler, b -> b.threadRelease(Duration.ZERO));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                handler.opened.get(10, TimeUnit.SECONDS);
                Thread.sleep(RELEASE.toMillis() * 4);
                assertEquals(0, parked(server));
                client.sendText("still here");
                assertEquals("still here", new String(client.readFrame().payload(), StandardCharsets.UTF_8));
            }
        }

        @Test
        void manyParkedSessionsAllAnswer() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = start(handler, b -> b)) {
                List<RawClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 100; i++) {
                        clients.add(RawClient.open(server.port(), "/ws"));
                    }
                    assertEquals(100, awaitCount(() -> parked(server), 100));
                    for (int i = 0; i < clients.size(); i++) {
                        clients.get(i).sendText("message " + i);
                    }
                    for (int i = 0; i < clients.size(); i++) {
                        assertEquals("message " + i,
                                new String(clients.get(i).readFrame().payload(), StandardCharsets.UTF_8));
                    }
                } finally {
                    for (RawClient client : clients) {
                        client.close();
                    }
                }
            }
        }
    }

    @Nested
    class Churn {
        /**
         * Sessions park and wake again and again (rounds of broadcasts separated by pauses longer
         * than the release delay): every message arrives, in order, exactly once.
         */
        @Test
        void broadcastsInRoundsReachSessionsThatKeepParkingAndWaking() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            int readers = 20;
            int rounds = 30;
            int perRound = 10;
            try (WebSocketServer server = start(handler, b -> b.threadRelease(Duration.ofMillis(10)))) {
                List<RawClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < readers; i++) {
                        clients.add(RawClient.open(server.port(), "/ws"));
                    }
                    assertEquals(readers, awaitCount(() -> server.sessions().size(), readers));
                    int sent = 0;
                    int parkedSeen = 0;
                    for (int round = 0; round < rounds; round++) {
                        for (int i = 0; i < perRound; i++) {
                            server.broadcast(PreparedMessage.text("m" + sent++));
                        }
                        for (RawClient client : clients) {
                            for (int i = sent - perRound; i < sent; i++) {
                                assertEquals("m" + i, new String(client.readFrame().payload(), StandardCharsets.UTF_8));
                            }
                        }
                        Thread.sleep(25 + (round % 3) * 10);
                        parkedSeen = Math.max(parkedSeen, parked(server));
                    }
                    assertTrue(parkedSeen > 0, "sessions parked between rounds");
                } finally {
                    for (RawClient client : clients) {
                        client.close();
                    }
                }
            }
        }
    }

    @Nested
    class WakingUp {
        @Test
        void sendFromAnotherThreadReachesAParkedSession() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b);
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                Session session = handler.opened.get(10, TimeUnit.SECONDS);
                assertEquals(1, awaitCount(() -> parked(server), 1));
                assertTrue(session.sendText("pushed"));
                assertEquals("pushed", new String(client.readFrame().payload(), StandardCharsets.UTF_8));
                byte[] binary = {1, 2, 3};
                assertEquals(1, awaitCount(() -> parked(server), 1));
                assertTrue(session.sendBinary(binary));
                RawClient.Frame frame = client.readFrame();
                assertEquals(0x2, frame.opcode());
                assertArrayEquals(binary, frame.payload());
            }
        }

        @Test
        void parkedSessionIsPingedAndItsPongReachesTheHandler() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b.pingInterval(Duration.ofMillis(300)));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                assertEquals(1, awaitCount(() -> parked(server), 1));
                RawClient.Frame ping = client.readFrame();
                assertEquals(0x9, ping.opcode());
                client.sendFrame(true, 0xA, ping.payload(), true);
                RecordingHandler.Call call;
                do {
                    call = handler.next();
                } while (!call.kind().equals("pong"));
                assertArrayEquals(ping.payload(), (byte[]) call.value());
            }
        }

        @Test
        void closingAParkedSessionRunsTheClosingHandshake() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b);
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                Session session = handler.opened.get(10, TimeUnit.SECONDS);
                assertEquals(1, awaitCount(() -> parked(server), 1));
                session.close(CloseCode.of(4001), "bye");
                assertEquals(4001, client.readUntilClose().closeCode());
                client.sendClose(4001, "");
                assertEquals(CloseCode.of(4001), handler.awaitClosed().code());
                assertEquals(0, awaitCount(() -> parked(server), 0));
            }
        }

        @Test
        void peerLeavingWhileParkedEndsTheSessionWith1006() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b)) {
                RawClient client = RawClient.open(server.port(), "/ws");
                handler.opened.get(10, TimeUnit.SECONDS);
                assertEquals(1, awaitCount(() -> parked(server), 1));
                client.close();
                assertEquals(CloseCode.ABNORMAL_CLOSURE, handler.awaitClosed().code());
                assertEquals(0, awaitCount(() -> server.stats().openSessions(), 0));
                assertEquals(0, parked(server));
            }
        }

        @Test
        void shutdownClosesParkedSessionsWith1001() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            WebSocketServer server = start(handler, b -> b.closeTimeout(Duration.ofSeconds(2)));
            try (RawClient client = RawClient.open(server.port(), "/ws")) {
                handler.opened.get(10, TimeUnit.SECONDS);
                assertEquals(1, awaitCount(() -> parked(server), 1));
                Thread closer = Thread.ofPlatform().start(server::close);
                assertEquals(1001, client.readUntilClose().closeCode());
                client.sendClose(1001, "");
                closer.join(10_000);
                assertEquals(CloseCode.GOING_AWAY, handler.awaitClosed().code());
            } finally {
                server.close();
            }
        }
    }
}
