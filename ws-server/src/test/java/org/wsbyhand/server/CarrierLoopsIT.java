package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIf;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Which threads carry a session ({@link ServerConfig#carrierLoops()}). The build runs the server's
 * integration tests twice: without {@code --add-opens java.base/java.lang}, where the JDK's scheduler
 * carries everything, and with it, where carrier loops do (and every other IT then runs on them).
 */
class CarrierLoopsIT {

    static boolean loopsAvailable() {
        return CarrierLoops.available();
    }

    /** Answers every text with the name of the thread that runs the callback, as the JDK prints it (carrier included). */
    private static final class WhereAmI implements WebSocketHandler {
        @Override
        public void onText(Session session, String text) {
            session.sendText(Thread.currentThread().toString());
        }
    }

    private static WebSocketServer start(WebSocketHandler handler, UnaryOperator<ServerBuilder> settings) throws Exception {
        WebSocketServer server = settings.apply(WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", handler)).build();
        server.start();
        return server;
    }

    private static String askWhere(RawClient client) throws Exception {
        client.sendText("where?");
        return new String(client.readFrame().payload(), StandardCharsets.UTF_8);
    }

    @Test
    @EnabledIf("loopsAvailable")
    void sessionsRunOnTheLoopsEachInTurn() throws Exception {
        try (WebSocketServer server = start(new WhereAmI(), b -> b.carrierLoops(3))) {
            List<RawClient> clients = RawClient.openAll(server.port(), "/ws", 6);
            try {
                Set<String> carriers = new HashSet<>();
                for (RawClient client : clients) {
                    String where = askWhere(client);
                    assertTrue(where.startsWith("VirtualThread") && where.contains("-carrier-"), where);
                    carriers.add(where.substring(where.lastIndexOf('@') + 1));
                }
                assertEquals(3, carriers.size(), "six sessions over three loops: " + carriers);
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    @EnabledIf("loopsAvailable")
    void zeroLoopsKeepsTheJdkScheduler() throws Exception {
        try (WebSocketServer server = start(new WhereAmI(), b -> b.carrierLoops(0));
                RawClient client = RawClient.open(server.port(), "/ws")) {
            String where = askWhere(client);
            assertTrue(where.contains("ForkJoinPool"), where);
        }
    }

    @Test
    @DisabledIf("loopsAvailable")
    void withoutOpenedJavaLangTheJdkSchedulerCarriesSessions() throws Exception {
        try (WebSocketServer server = start(new WhereAmI(), b -> b.carrierLoops(2));
                RawClient client = RawClient.open(server.port(), "/ws")) {
            String where = askWhere(client);
            assertTrue(where.contains("ForkJoinPool") && !where.contains("-carrier-"), where);
        }
    }

    /**
     * A virtual thread that a callback starts gets the loop as its scheduler (the JDK gives a child its
     * parent's): it must still run to its end after the server and its loops are closed.
     */
    @Test
    @EnabledIf("loopsAvailable")
    void aThreadStartedByAHandlerOutlivesTheServer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Thread> child = new CompletableFuture<>();
        CompletableFuture<String> finishedOn = new CompletableFuture<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                child.complete(Thread.ofVirtual().start(() -> {
                    try {
                        release.await();
                        finishedOn.complete(Thread.currentThread().toString());
                    } catch (InterruptedException e) {
                        finishedOn.completeExceptionally(e);
                    }
                }));
                session.sendText("started");
            }
        };
        WebSocketServer server = start(handler, b -> b.carrierLoops(1).closeTimeout(Duration.ofSeconds(2)));
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            client.sendText("go");
            assertEquals("started", new String(client.readFrame().payload(), StandardCharsets.UTF_8));
        } finally {
            server.close();
        }
        release.countDown();
        String where = finishedOn.get(10, TimeUnit.SECONDS);
        assertTrue(child.get().join(Duration.ofSeconds(10)), "the child thread ended");
        assertTrue(where.startsWith("VirtualThread"), where);
    }

    /**
     * Echoes larger than the socket buffers to a client that reads only after sending them all: the
     * server's writes stop on a full send buffer and wait on the loop for room.
     */
    @Test
    void writesWaitForRoomAndLoseNothing() throws Exception {
        RecordingHandler handler = new RecordingHandler(true);
        try (WebSocketServer server = start(handler, b -> b.maxOutboundBytes(64L << 20));
                RawClient client = RawClient.open(server.port(), "/ws")) {
            int messages = 24;
            byte[][] sent = new byte[messages][];
            for (int i = 0; i < messages; i++) {
                sent[i] = new byte[512 * 1024];
                java.util.Arrays.fill(sent[i], (byte) i);
                client.sendFrame(true, 0x2, sent[i], true);
            }
            for (int i = 0; i < messages; i++) {
                assertArrayEquals(sent[i], client.readFrame().payload(), "message " + i);
            }
        }
    }
}
