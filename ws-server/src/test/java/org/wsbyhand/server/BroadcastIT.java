package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.core.CoreSession;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.SlowConsumerException;

/**
 * A broadcast to many sessions while one client has stopped reading: the readers get every message
 * in order, the broadcaster is never held up, the stalled session's unsent bytes never exceed the
 * bound and it is closed with 1008.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BroadcastIT {
    private static final int READERS = 20;
    private static final int MESSAGES = 2_000;
    private static final int PAYLOAD = 4 * 1024;
    private static final long BOUND = 256 * 1024;
    /** Messages per round: 32 frames of 4 KiB are half the bound. */
    private static final int ROUND = 32;

    @Test
    void stalledReaderIsClosedWhileEveryoneElseReceivesEverything() throws Exception {
        ConcurrentHashMap<Integer, RecordingHandler.Closed> closedByPort = new ConcurrentHashMap<>();
        ConcurrentHashMap<Integer, CoreSession> sessionsByPort = new ConcurrentHashMap<>();
        ConcurrentHashMap<Integer, Throwable> errors = new ConcurrentHashMap<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                sessionsByPort.put(session.remoteAddress().getPort(), (CoreSession) session);
            }

            @Override
            public void onError(Session session, Throwable error) {
                errors.put(session.remoteAddress().getPort(), error);
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
                closedByPort.put(session.remoteAddress().getPort(),
                        new RecordingHandler.Closed(code, reason, errors.get(session.remoteAddress().getPort())));
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/b", handler).maxOutboundBytes(BOUND).closeTimeout(Duration.ofSeconds(1)).build()) {
            server.start();

            // The stalled client shrinks its receive window so the server's socket fills quickly.
            Socket stalledSocket = new Socket();
            stalledSocket.setReceiveBufferSize(4096);
            stalledSocket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            stalledSocket.getOutputStream().write(RawClient.upgradeRequest("/b", RawClient.newKey())
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            int stalledPort = stalledSocket.getLocalPort();

            List<RawClient> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                readers.add(RawClient.open(server.port(), "/b"));
            }
            awaitSessions(server, READERS + 1);

            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> received = new ArrayList<>();
                AtomicIntegerArray progress = new AtomicIntegerArray(READERS);
                for (int r = 0; r < READERS; r++) {
                    RawClient reader = readers.get(r);
                    int index = r;
                    received.add(executor.submit(() -> {
                        for (int i = 0; i < MESSAGES; i++) {
                            RawClient.Frame frame = reader.readFrame();
                            assertEquals(i, ByteBuffer.wrap(frame.payload()).getInt(), "messages arrive in order");
                            progress.set(index, i + 1);
                        }
                        return MESSAGES;
                    }));
                }
                // Healthy clients keep up with the sender: it sends in rounds well under the bound
                // and lets the readers catch up between rounds. The stalled one falls behind.
                byte[] payload = new byte[PAYLOAD];
                for (int i = 0; i < MESSAGES; i++) {
                    ByteBuffer.wrap(payload).putInt(i);
                    server.broadcast(PreparedMessage.binary(payload));
                    if ((i + 1) % ROUND == 0) {
                        awaitProgress(progress, i + 1);
                    }
                }
                for (Future<Integer> count : received) {
                    assertEquals(MESSAGES, count.get(60, TimeUnit.SECONDS));
                }
            }

            CoreSession stalled = sessionsByPort.get(stalledPort);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!closedByPort.containsKey(stalledPort) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // The server sent 1008; the client never read it, so the handshake never completed and
            // the session reports 1006 (RFC 6455 7.1.5) with the reason in onError.
            RecordingHandler.Closed closed = closedByPort.get(stalledPort);
            assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.code());
            assertInstanceOf(SlowConsumerException.class, closed.error());
            assertFalse(stalled.isOpen());
            assertTrue(stalled.outboundHighWater() <= BOUND,
                    "unsent bytes peaked at " + stalled.outboundHighWater() + ", over the bound " + BOUND);
            assertTrue(stalled.outboundHighWater() > BOUND - PAYLOAD - 14,
                    "the stalled session did fill its queue before it was closed");
            assertEquals(1, server.stats().slowConsumers());
            for (RawClient reader : readers) {
                assertFalse(closedByPort.containsKey(reader.socket.getLocalPort()), "readers stay connected");
                reader.close();
            }
            stalledSocket.close();
        }
    }

    private static void awaitProgress(AtomicIntegerArray progress, int messages) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < progress.length(); i++) {
            while (progress.get(i) < messages && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }

    private static void awaitSessions(WebSocketServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.sessions().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, server.sessions().size());
    }
}
