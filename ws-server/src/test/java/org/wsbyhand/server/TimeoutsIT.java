package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;

/** The clocks the server keeps for the protocol: idle timeout, heartbeat, close timeout; and max connections. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutsIT {

    private static WebSocketServer start(RecordingHandler handler, java.util.function.UnaryOperator<ServerBuilder> settings)
            throws Exception {
        WebSocketServer server = settings.apply(WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", handler)).build();
        server.start();
        return server;
    }

    @Nested
    class IdleTimeout {
        @Test
        void sessionThatReceivesNothingIsClosedWith1001() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b.pingInterval(Duration.ZERO).idleTimeout(Duration.ofMillis(300)));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                RawClient.Frame close = client.readUntilClose();
                assertEquals(1001, close.closeCode());
                client.sendClose(1001, "");
                assertEquals(CloseCode.GOING_AWAY, handler.awaitClosed().code());
            }
        }
    }

    @Nested
    class Heartbeat {
        @Test
        void quietSessionIsPingedAndStaysOpenWhenItAnswers() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b.pingInterval(Duration.ofMillis(200)));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                RawClient.Frame ping = client.readFrame();
                assertEquals(0x9, ping.opcode());
                client.sendFrame(true, 0xA, ping.payload(), true);
                RecordingHandler.Call call;
                do {
                    call = handler.next();
                } while (!call.kind().equals("pong"));
                assertArrayEquals(ping.payload(), (byte[]) call.value());
                assertEquals(0x9, client.readFrame().opcode(), "pinged again after another quiet interval");
                assertTrue(call.session().isOpen());
            }
        }

        @Test
        void sessionThatNeverAnswersAPingFailsWith1011() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler,
                    b -> b.pingInterval(Duration.ofMillis(100)).pongTimeout(Duration.ofMillis(200)));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                assertEquals(0x9, client.readFrame().opcode());
                RawClient.Frame close = client.readUntilClose();
                assertEquals(1011, close.closeCode());
                RecordingHandler.Closed closed = handler.awaitClosed();
                assertInstanceOf(TimeoutException.class, closed.error());
            }
        }
    }

    @Nested
    class PeerThatStopsReading {
        /**
         * A client that floods the server with echoes to write and never reads fills the server's socket.
         * The outbound bound and the memory budget are set above anything the flood can queue (16 MiB at
         * most), so only the heartbeat can end it: nothing arrives after the socket's buffers fill, the
         * ping goes unanswered, 1011, and the socket is dropped since the client never reads our close.
         * A second client on the same server is echoed throughout.
         */
        @Test
        void floodingClientThatNeverReadsIsDroppedAndOthersAreServed() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            RecordingHandler healthyHandler = new RecordingHandler(true);
            // The heartbeat is what drops the flooder when the server's own write to it blocks; a
            // second of silence before the healthy client could be found unresponsive is a margin
            // that holds on a loaded machine.
            try (WebSocketServer server = start(handler, b -> b.pingInterval(Duration.ofMillis(300))
                    .pongTimeout(Duration.ofMillis(700)).closeTimeout(Duration.ofMillis(300))
                    .maxOutboundBytes(64L << 20).memoryBudget(1L << 30)
                    .route("/healthy", healthyHandler));
                    // Echoes every 20 ms and answers pings on a thread of its own, so the heartbeat
                    // never finds it unresponsive however long the flooder takes to be dropped.
                    HealthyClient healthy = new HealthyClient(server, "/healthy")) {
                java.net.Socket socket = new java.net.Socket();
                socket.setReceiveBufferSize(4096);
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
                RawClient flooder = RawClient.over(socket);
                assertEquals(101, RawClient.status(flooder.request(RawClient.upgradeRequest("/ws", RawClient.newKey()))));
                byte[] payload = new byte[16 * 1024];
                Thread flood = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 1024; i++) { // 16 MiB at most; the socket stops taking them long before
                            flooder.sendFrame(true, 0x2, payload, true);
                        }
                    } catch (java.io.IOException expected) {
                        // The server dropped the connection.
                    }
                });
                RecordingHandler.Closed closed = handler.awaitClosed();
                assertInstanceOf(TimeoutException.class, closed.error(), "ended by the heartbeat");
                assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.code(), "our close frame never reached a client that does not read");
                healthy.assertServed(20, Duration.ofSeconds(5));
                socket.close();
                flood.join(10_000);
            }
        }
    }

    @Nested
    class CloseTimeout {
        @Test
        void peerThatNeverAnswersOurCloseIsDropped() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b.closeTimeout(Duration.ofMillis(300)));
                    RawClient client = RawClient.open(server.port(), "/ws")) {
                handler.opened.get(10, TimeUnit.SECONDS).close(CloseCode.of(4000), "go");
                assertEquals(4000, client.readUntilClose().closeCode());
                assertTrue(client.serverClosed());
                // No close frame came back: RFC 6455 7.1.5 makes that 1006.
                assertEquals(CloseCode.ABNORMAL_CLOSURE, handler.awaitClosed().code());
            }
        }
    }

    @Nested
    class MaxConnections {
        @Test
        void connectionBeyondTheLimitGets503AndAFreedSlotIsReused() throws Exception {
            RecordingHandler handler = new RecordingHandler(false);
            try (WebSocketServer server = start(handler, b -> b.maxConnections(2))) {
                RawClient first = RawClient.open(server.port(), "/ws");
                RawClient second = RawClient.open(server.port(), "/ws");
                try (RawClient third = RawClient.connect(server.port())) {
                    assertEquals(503, RawClient.status(third.request(RawClient.upgradeRequest("/ws", RawClient.newKey()))));
                }
                first.sendClose(1000, "");
                first.readUntilClose();
                first.close();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                // The slot is free once the first connection has ended, a little after its session did.
                while (server.stats().openConnections() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                try (RawClient fourth = RawClient.open(server.port(), "/ws")) {
                    assertEquals(2, server.stats().openSessions());
                }
                second.close();
            }
        }
    }
}
