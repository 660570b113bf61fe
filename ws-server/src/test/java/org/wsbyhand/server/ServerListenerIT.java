package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * {@link ServerListener} on real sockets: each scripted exchange is answered with the listener calls
 * it must cause, in order, with their values. Every wait is bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerListenerIT {
    /** A 600-byte binary message is a 604-byte frame (2-byte header, 2-byte extended length). */
    private static final int PAYLOAD = 600;
    private static final int FRAME = PAYLOAD + 4;

    private final RecordingListener listener = new RecordingListener();
    private WebSocketServer server;

    private WebSocketServer start(WebSocketHandler handler, UnaryOperator<ServerBuilder> options) throws Exception {
        server = options.apply(WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .pingInterval(Duration.ZERO) // no heartbeat bytes in the counts
                .route("/echo", handler).listener(listener)).build();
        server.start();
        assertSame(server, listener.next(RecordingListener.Started.class).server());
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * A handler that sends three 600-byte messages from onOpen: they are queued before the reader
     * writes anything, so with a bound of 1000 bytes the second one finds 604 bytes unsent.
     */
    private static RecordingHandler sendsThreeMessagesOnOpen() {
        return new RecordingHandler(false) {
            @Override
            public void onOpen(Session session) {
                super.onOpen(session);
                session.sendBinary(new byte[PAYLOAD]);
                session.sendBinary(new byte[PAYLOAD]);
                session.sendBinary(new byte[PAYLOAD]);
            }
        };
    }

    @Test
    void aRefusedUpgradeThenAnEchoSessionAreReportedWithTheSessionsExactCounts() throws Exception {
        RecordingHandler handler = new RecordingHandler(true);
        start(handler, b -> b);
        try (RawClient client = RawClient.connect(server.port())) {
            assertEquals(404, RawClient.status(client.request(RawClient.upgradeRequest("/nowhere", RawClient.newKey()))));
        }
        HandshakeSummary refused = listener.next(HandshakeSummary.class);
        assertEquals(new HandshakeSummary("/nowhere", 404, refused.duration(), refused.remoteAddress()), refused);
        assertFalse(refused.duration().isNegative());

        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendText("hello");           // 2 + 4 + 5 = 11 bytes in
            assertEquals("hello", client.readFrame().text()); // 2 + 5 = 7 bytes out
            client.sendText("world!");          // 12 bytes in
            assertEquals("world!", client.readFrame().text()); // 8 bytes out
            client.sendClose(1000, "done");     // 2 + 4 + 2 + 4 = 12 bytes in
            assertEquals(1000, client.readUntilClose().closeCode()); // 4 bytes out: the echo carries the code only
            HandshakeSummary accepted = listener.next(HandshakeSummary.class);
            assertEquals("/echo", accepted.path());
            assertTrue(accepted.accepted());
            assertEquals(client.socket.getLocalPort(), accepted.remoteAddress().getPort());
            Session session = listener.next(RecordingListener.Opened.class).session();
            assertSame(handler.opened.get(30, TimeUnit.SECONDS), session);

            SessionSummary summary = listener.next(SessionSummary.class);
            assertEquals(new SessionSummary(session, "/echo", CloseCode.NORMAL_CLOSURE, "done",
                    Connection.Ending.PEER_CLOSE, summary.duration(), 2, 2, 35, 19, 8, Optional.empty()), summary);
            assertTrue(summary.duration().compareTo(Duration.ZERO) > 0);
        }
    }

    @Test
    void aProtocolViolationIsReportedBeforeTheSessionsEnd() throws Exception {
        RecordingHandler handler = new RecordingHandler(true);
        start(handler, b -> b);
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendFrame(true, 0x1, "plain".getBytes(), false);
            assertEquals(1002, client.readUntilClose().closeCode());
        }
        listener.next(HandshakeSummary.class);
        Session session = listener.next(RecordingListener.Opened.class).session();
        assertEquals(new RecordingListener.ViolationSeen(session, Violation.UNMASKED_CLIENT_FRAME, CloseCode.PROTOCOL_ERROR),
                listener.next(RecordingListener.ViolationSeen.class));
        SessionSummary summary = listener.next(SessionSummary.class);
        assertEquals(List.of(CloseCode.PROTOCOL_ERROR, Connection.Ending.FAILURE, 0L, 7L),
                List.of(summary.code(), summary.ending(), summary.messagesIn(), summary.bytesIn()));
    }

    @Test
    void aSlowConsumerClosedAtItsBoundIsReportedWithTheBoundAndItsQueuedBytes() throws Exception {
        RecordingHandler handler = sendsThreeMessagesOnOpen();
        start(handler, b -> b.maxOutboundBytes(1000));
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            assertEquals(PAYLOAD, client.readFrame().payload().length);
            assertEquals(1008, client.readUntilClose().closeCode());
            client.sendClose(1008, "");
            assertTrue(client.serverClosed());
        }
        listener.next(HandshakeSummary.class);
        Session session = listener.next(RecordingListener.Opened.class).session();
        assertEquals(new RecordingListener.SlowConsumer(session, 1000, FRAME, OverflowPolicy.CLOSE),
                listener.next(RecordingListener.SlowConsumer.class));
        SessionSummary summary = listener.next(SessionSummary.class);
        assertEquals(List.of(CloseCode.POLICY_VIOLATION, Connection.Ending.LOCAL_CLOSE, 1L),
                List.of(summary.code(), summary.ending(), summary.messagesOut()));
    }

    @Test
    void underTheDropPolicyOnlyTheFirstOfSeveralRefusedMessagesIsReported() throws Exception {
        RecordingHandler handler = sendsThreeMessagesOnOpen();
        start(handler, b -> b.maxOutboundBytes(1000).overflowPolicy(OverflowPolicy.DROP));
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            assertEquals(PAYLOAD, client.readFrame().payload().length);
            client.sendClose(1000, "");
            assertEquals(1000, client.readUntilClose().closeCode());
        }
        listener.next(HandshakeSummary.class);
        Session session = listener.next(RecordingListener.Opened.class).session();
        assertEquals(new RecordingListener.SlowConsumer(session, 1000, FRAME, OverflowPolicy.DROP),
                listener.next(RecordingListener.SlowConsumer.class));
        SessionSummary summary = listener.next(SessionSummary.class);
        assertEquals(List.of(CloseCode.NORMAL_CLOSURE, 1L), List.of(summary.code(), summary.messagesOut()));
        assertEquals(2, server.stats().messagesDropped());
    }

    @Test
    void aListenerThatThrowsDoesNotKeepTheOthersFromHearingNorBreakTheSession() throws Exception {
        RecordingHandler handler = new RecordingHandler(true);
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/echo", handler)
                .listener(new ServerListener() {
                    @Override
                    public void sessionOpened(Session session) {
                        throw new IllegalStateException("a broken listener");
                    }
                })
                .listener(listener).build();
        server.start();
        listener.next(RecordingListener.Started.class);
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendText("still served");
            assertEquals("still served", client.readFrame().text());
        }
        listener.next(HandshakeSummary.class);
        assertSame(handler.opened.get(30, TimeUnit.SECONDS), listener.next(RecordingListener.Opened.class).session());
    }
}
