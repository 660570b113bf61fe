package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.client.ScriptedConnector.Step;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The reconnect loop's rules against a scripted connector and sessions without a network: event
 * order, attempt numbers, backoff growth and reset (on a fake clock, with waits that return at
 * once), who may stop it, and giving up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectingConnectionTest {
    private static final ClientRequest REQUEST = ClientRequest.of(URI.create("ws://127.0.0.1:9/feed"));

    private final AtomicLong now = new AtomicLong();
    /** 10, 20, 40, 80, 80 ... ms, no jitter, no real waiting, a session resets the backoff after 5 s on the fake clock. */
    private final ReconnectPolicy policy = ReconnectPolicy.defaults().withInitialDelay(Duration.ofMillis(10))
            .withMaxDelay(Duration.ofMillis(80)).withJitter(0).withSleeper(delay -> {}).withClock(now::get);
    private final ScriptedConnector connector = new ScriptedConnector();
    private final EventLog events = new EventLog();
    private ReconnectingConnection connection;

    private ReconnectingConnection start(ReconnectPolicy with, WebSocketHandler handler) {
        connection = new ReconnectingConnection(connector, REQUEST, handler, with, events);
        connection.start();
        return connection;
    }

    private ReconnectingConnection start() {
        return start(policy, new WebSocketHandler() {});
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connection != null) {
            connection.close();
            assertTrue(connection.awaitClosed(Duration.ofSeconds(20)), "the connection's thread ends after close()");
        }
    }

    /** Closes, waits for the end, and checks that nothing more happened than {@code expected}. */
    private void closeAndExpectNoMore(List<String> expected) throws InterruptedException {
        connection.close();
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(expected, events.rest(), "the events after close()");
    }

    @Test
    void failedAttemptsAreRetriedWithGrowingDelaysWhichOnlyALongSessionResets() throws Exception {
        connector.then(Step.REFUSE, Step.REFUSE, Step.OPEN);
        start();
        assertEquals(List.of("connecting 1", "retry 2 after 10 ms: REFUSED", "connecting 2",
                "retry 3 after 20 ms: REFUSED", "connecting 3", "connected 3"), events.next(6));
        FakeSession first = connector.nextSession();
        Session current = connection.current().orElseThrow();
        assertNotSame(first, current, "the application gets a view of the session");
        assertEquals(first.id(), current.id());
        assertEquals(current, events.connected.get(0));

        // A session that ended at once (0 s on the fake clock) leaves the backoff where it was.
        connector.then(Step.REFUSE, Step.OPEN);
        first.peerCloses(CloseCode.GOING_AWAY, "restart");
        assertEquals(List.of("disconnected 1001 restart", "retry 1 after 40 ms: -", "connecting 1",
                "retry 2 after 80 ms: REFUSED", "connecting 2", "connected 2"), events.next(6));

        // One that stayed up 5 s starts it again from the initial delay.
        FakeSession second = connector.nextSession();
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        connector.then(Step.OPEN);
        second.fails(new IOException("connection reset"));
        assertEquals(List.of("disconnected 1006", "retry 1 after 10 ms: IOException", "connecting 1", "connected 1"),
                events.next(4));
        FakeSession third = connector.nextSession();
        closeAndExpectNoMore(List.of("disconnected 1000"));
        assertEquals(CloseCode.NORMAL_CLOSURE, third.closedWith());
        assertEquals(6, connector.attempts.get());
        assertTrue(connection.current().isEmpty());
    }

    @Test
    void theApplicationClosingItsSessionWith1000EndsTheConnection() throws Exception {
        connector.then(Step.OPEN, Step.OPEN);
        start();
        Session session = connection.awaitConnected(Duration.ofSeconds(20)).orElseThrow();
        session.close();
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(List.of("connecting 1", "connected 1", "disconnected 1000"), events.rest());
        assertTrue(connection.isClosed());
        assertEquals(1, connector.attempts.get());
        assertEquals(Optional.empty(), connection.awaitConnected(Duration.ofSeconds(20)), "no wait once over");
    }

    @Test
    void theHandlerClosingWith1000InItsCallbackCountsToo() throws Exception {
        connector.then(Step.OPEN, Step.OPEN);
        start(policy, new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                session.close(CloseCode.NORMAL_CLOSURE, "done");
            }
        });
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(List.of("connecting 1", "connected 1", "disconnected 1000 done"), events.rest());
        assertEquals(1, connector.attempts.get());
    }

    @Test
    void theApplicationClosingItsSessionWithAnotherCodeAsksForAFreshOne() throws Exception {
        connector.then(Step.OPEN, Step.OPEN);
        start();
        assertEquals(List.of("connecting 1", "connected 1"), events.next(2));
        connection.current().orElseThrow().close(CloseCode.of(4000), "resync");
        assertEquals(List.of("disconnected 4000 resync", "retry 1 after 10 ms: -", "connecting 1", "connected 1"),
                events.next(4));
        closeAndExpectNoMore(List.of("disconnected 1000"));
    }

    @Test
    void aCloseTheServerStartedIsReconnectedEvenWith1000() throws Exception {
        connector.then(Step.OPEN, Step.OPEN);
        start();
        assertEquals(List.of("connecting 1", "connected 1"), events.next(2));
        connector.nextSession().peerCloses(CloseCode.NORMAL_CLOSURE, "bye");
        assertEquals(List.of("disconnected 1000 bye", "retry 1 after 10 ms: -", "connecting 1", "connected 1"),
                events.next(4));
        closeAndExpectNoMore(List.of("disconnected 1000"));
    }

    @Test
    void closeWithACodeClosesTheOpenSessionWithIt() throws Exception {
        connector.then(Step.OPEN);
        start();
        assertEquals(List.of("connecting 1", "connected 1"), events.next(2));
        connection.close(CloseCode.of(4001), "logout");
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(List.of("disconnected 4001 logout"), events.rest());
        assertEquals(CloseCode.of(4001), connector.nextSession().closedWith());
        assertThrows(IllegalArgumentException.class, () -> connection.close(CloseCode.ABNORMAL_CLOSURE, ""));
        assertThrows(IllegalArgumentException.class, () -> connection.close(CloseCode.NORMAL_CLOSURE, "x".repeat(124)));
    }

    @Test
    void givesUpAfterMaxAttemptsInARowWithTheLastFailure() throws Exception {
        connector.then(Step.REFUSE, Step.REFUSE, Step.REFUSE, Step.OPEN);
        start(policy.withMaxAttempts(3), new WebSocketHandler() {});
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(List.of("connecting 1", "retry 2 after 10 ms: REFUSED", "connecting 2",
                "retry 3 after 20 ms: REFUSED", "connecting 3", "gave up after 3: REFUSED"), events.rest());
        assertInstanceOf(WebSocketConnectException.class, events.lastFailure);
        assertTrue(connection.isClosed());
        assertEquals(3, connector.attempts.get());
    }

    @Test
    void theAttemptLimitCountsAgainAfterASessionOpened() throws Exception {
        connector.then(Step.REFUSE, Step.OPEN, Step.REFUSE, Step.REFUSE);
        start(policy.withMaxAttempts(2), new WebSocketHandler() {});
        assertEquals(List.of("connecting 1", "retry 2 after 10 ms: REFUSED", "connecting 2", "connected 2"),
                events.next(4));
        connector.nextSession().peerCloses(CloseCode.GOING_AWAY, "");
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(List.of("disconnected 1001", "retry 1 after 20 ms: -", "connecting 1",
                "retry 2 after 40 ms: REFUSED", "connecting 2", "gave up after 2: REFUSED"), events.rest());
    }

    @Test
    void anOnOpenThatThrowsIsAFailedAttempt() throws Exception {
        connector.then(Step.OPEN, Step.OPEN);
        start(policy.withMaxAttempts(2), new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                throw new IllegalStateException("resubscribe failed");
            }
        });
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
        assertEquals(List.of("connecting 1", "retry 2 after 10 ms: IllegalStateException", "connecting 2",
                "gave up after 2: IllegalStateException"), events.rest());
    }

    @Test
    void closeCutsAWaitShort() throws Exception {
        connector.then(Step.REFUSE);
        start(policy.withInitialDelay(Duration.ofMinutes(1)).withMaxDelay(Duration.ofMinutes(1))
                .withSleeper(Sleeper.THREAD_SLEEP), new WebSocketHandler() {});
        assertEquals(List.of("connecting 1", "retry 2 after 60000 ms: REFUSED"), events.next(2));
        long start = System.nanoTime();
        closeAndExpectNoMore(List.of());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
        assertEquals(1, connector.attempts.get());
    }

    @Test
    void closeCutsAnAttemptShort() throws Exception {
        connector.then(Step.HANG);
        start();
        assertEquals("connecting 1", events.next());
        closeAndExpectNoMore(List.of());
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheConnection() throws Exception {
        connector.then(Step.REFUSE, Step.OPEN);
        connection = new ReconnectingConnection(connector, REQUEST, new WebSocketHandler() {}, policy,
                new ConnectionListener() {
                    @Override
                    public void onConnecting(int attempt, URI uri) {
                        throw new IllegalStateException("listener bug");
                    }

                    @Override
                    public void onRetryScheduled(int attempt, Duration delay, Throwable cause) {
                        throw new IllegalStateException("listener bug");
                    }
                });
        connection.start();
        assertTrue(connection.awaitConnected(Duration.ofSeconds(20)).isPresent());
    }

    @Test
    void awaitClosedMayNotBeCalledFromTheListener() throws Exception {
        connector.then(Step.OPEN);
        java.util.concurrent.CompletableFuture<Throwable> refused = new java.util.concurrent.CompletableFuture<>();
        connection = new ReconnectingConnection(connector, REQUEST, new WebSocketHandler() {}, policy,
                new ConnectionListener() {
                    @Override
                    public void onConnected(Session session, int attempt) {
                        try {
                            connection.awaitClosed(Duration.ofSeconds(1));
                            refused.complete(null);
                        } catch (IllegalStateException | InterruptedException e) {
                            refused.complete(e);
                        }
                        connection.close(); // allowed here
                    }
                });
        connection.start();
        assertInstanceOf(IllegalStateException.class, refused.get(20, TimeUnit.SECONDS));
        assertTrue(connection.awaitClosed(Duration.ofSeconds(20)));
    }
}
