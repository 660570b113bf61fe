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

    private static WebSocketServer start(RecordingHandler handler, java.util.function.UnaryOperator<WebSocketServer.Builder> settings)
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
        void upgradeBeyondTheLimitGets503AndAFreedSlotIsReused() throws Exception {
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
                while (server.stats().openSessions() > 1 && System.nanoTime() < deadline) {
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
