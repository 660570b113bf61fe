package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Reconnecting on real sockets against our server on loopback: it is stopped and started again on
 * the same port, closes sessions itself, or refuses the upgrade (404); the client reconnects with
 * backoff, subscribes again in {@code onOpen}, and stops when the application closes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReconnectIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** 50, 100, 200, 400, 400 ... ms, no jitter (so the delays can be checked), reset by any session. */
    private static final ReconnectPolicy QUICK = ReconnectPolicy.defaults().withInitialDelay(Duration.ofMillis(50))
            .withMaxDelay(Duration.ofMillis(400)).withJitter(0).withResetAfter(Duration.ZERO);

    private RestartableServer server;
    private WebSocketClient client;
    private final EventLog events = new EventLog();
    private final Subscriber subscriber = new Subscriber();
    private ReconnectingConnection connection;

    /** Subscribes in every onOpen (the resubscribe hook) and keeps what comes back. */
    static final class Subscriber implements WebSocketHandler {
        final AtomicInteger opens = new AtomicInteger();
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

        @Override
        public void onOpen(Session session) {
            session.sendText("subscribe " + opens.incrementAndGet());
        }

        @Override
        public void onText(Session session, String text) {
            texts.add(text);
        }

        String text() throws InterruptedException {
            String text = texts.poll(20, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("no text message within 20 s");
            }
            return text;
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new RestartableServer();
        client = WebSocketClient.builder().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connection != null) {
            connection.close();
            assertTrue(connection.awaitClosed(WAIT), "the connection's thread ends after close()");
        }
        client.close();
        server.close();
    }

    private ReconnectingConnection connect(URI uri, ReconnectPolicy policy) {
        connection = client.connectReconnecting(ClientRequest.of(uri), subscriber, policy, events);
        return connection;
    }

    @Test
    void reconnectsWithBackoffWhenTheServerComesBackOnTheSamePortAndSubscribesAgain() throws Exception {
        connect(server.echo("feed"), QUICK);
        Session first = connection.awaitConnected(WAIT).orElseThrow();
        assertEquals("subscribe 1", subscriber.text());
        assertSame(client, WebSocketClient.of(first), "the view still leads to the client");
        assertEquals(List.of("connecting 1", "connected 1"), events.next(2));

        server.stop(); // closes the session with 1001, then refuses connections
        assertEquals("disconnected 1001", events.next().substring(0, "disconnected 1001".length()));
        // Wait until two attempts were refused, then bring the server back on the same port.
        events.awaitStartingWith("retry 3 ");
        server.restart();

        String connected = events.awaitStartingWith("connected ");
        Session second = connection.awaitConnected(WAIT).orElseThrow();
        assertNotSame(first, second);
        assertTrue(second.isOpen());
        assertEquals("subscribe 2", subscriber.text(), "onOpen subscribed again on the new session");
        second.sendText("after the restart");
        assertEquals("after the restart", subscriber.text());
        assertEquals(2, subscriber.opens.get());
        assertEquals(List.of("feed", "feed"), server.opened);

        // The delays after the disconnect: 50 ms (the session reset the backoff), then doubling up to the cap.
        List<Duration> delays = events.delays;
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)),
                delays.subList(0, 3), "delays " + delays);
        delays.forEach(d -> assertTrue(d.compareTo(Duration.ofMillis(400)) <= 0, "capped: " + delays));
        int attempt = Integer.parseInt(connected.substring("connected ".length()));
        assertTrue(attempt >= 3, "two attempts at least were refused first: " + events.all);
        assertEquals(delays.size(), attempt, "one retry scheduled before each attempt after the disconnect");
        assertTrue(events.all.stream().filter(e -> e.startsWith("retry ") && !e.startsWith("retry 1 "))
                .allMatch(e -> e.endsWith(": REFUSED")), "the attempts while down were refused: " + events.all);
    }

    @Test
    void theFirstAttemptIsRetriedTooSoTheClientMayStartBeforeTheServer() throws Exception {
        server.stop();
        connect(server.echo("early"), QUICK);
        assertEquals(List.of("connecting 1", "retry 2 after 50 ms: REFUSED"), events.next(2));
        server.restart();
        assertTrue(connection.awaitConnected(WAIT).isPresent());
        assertEquals("subscribe 1", subscriber.text());
    }

    @Test
    void noAttemptFollowsTheApplicationsCleanCloseOfItsSession() throws Exception {
        connect(server.echo("first"), QUICK);
        Session session = connection.awaitConnected(WAIT).orElseThrow();
        session.close(); // 1000, on the session the connection handed out
        // Once the connection's thread has ended, no attempt can start any more.
        assertTrue(connection.awaitClosed(WAIT));
        assertTrue(connection.isClosed());
        assertEquals(List.of("connecting 1", "connected 1", "disconnected 1000"), events.rest());
        // A marker connection: the next session the server opens is the marker, not a reconnect.
        Session marker = client.connect(server.echo("marker"), new WebSocketHandler() {});
        marker.close();
        awaitSize(server.closed, 2);
        assertEquals(List.of("first", "marker"), server.opened);
        assertEquals(List.of(CloseCode.NORMAL_CLOSURE, CloseCode.NORMAL_CLOSURE), server.closed);
    }

    @Test
    void closeClosesTheSessionWithItsCodeAndEndsTheConnection() throws Exception {
        connect(server.echo("first"), QUICK);
        assertTrue(connection.awaitConnected(WAIT).isPresent());
        connection.close(CloseCode.of(4001), "logout");
        assertTrue(connection.awaitClosed(WAIT));
        // onClose reports the server's answer: our server echoes the code, without the reason.
        assertEquals(List.of("connecting 1", "connected 1", "disconnected 4001"), events.rest());
        awaitSize(server.closed, 1);
        assertEquals(List.of(CloseCode.of(4001)), server.closed);
        assertEquals(Optional.empty(), connection.current());
        assertEquals(List.of("first"), server.opened);
    }

    @Test
    void aCloseTheServerStartsIsReconnectedEvenWith1000() throws Exception {
        connect(server.echo("feed"), QUICK);
        Session first = connection.awaitConnected(WAIT).orElseThrow();
        assertEquals("subscribe 1", subscriber.text());
        first.sendText("close:1000:bye");
        assertEquals("subscribe 2", subscriber.text());
        assertEquals(List.of("connecting 1", "connected 1", "disconnected 1000 bye", "retry 1 after 50 ms: -",
                "connecting 1", "connected 1"), events.next(6));
        assertEquals(List.of("feed", "feed"), server.opened);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastConnectException() throws Exception {
        connect(server.missing(), QUICK.withMaxAttempts(3));
        assertTrue(connection.awaitClosed(WAIT));
        assertEquals(List.of("connecting 1", "retry 2 after 50 ms: REJECTED", "connecting 2",
                "retry 3 after 100 ms: REJECTED", "connecting 3", "gave up after 3: REJECTED"), events.rest());
        WebSocketConnectException last = assertInstanceOf(WebSocketConnectException.class, events.lastFailure);
        assertEquals(404, last.status());
        assertTrue(connection.isClosed());
        assertEquals(Optional.empty(), connection.awaitConnected(WAIT));
    }

    @Test
    void closeDuringABackoffWaitEndsTheLoopPromptly() throws Exception {
        connect(server.missing(), QUICK.withInitialDelay(Duration.ofMinutes(1)).withMaxDelay(Duration.ofMinutes(1)));
        assertEquals(List.of("connecting 1", "retry 2 after 60000 ms: REJECTED"), events.next(2));
        long start = System.nanoTime();
        connection.close();
        assertTrue(connection.awaitClosed(WAIT), "the wait ends with close(), not after its minute");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < WAIT.toMillis(), "took " + tookMillis + " ms");
        assertEquals(List.of(), events.rest(), "no further attempt");
    }

    @Test
    void closingTheClientEndsItsReconnectingConnections() throws Exception {
        connect(server.missing(), QUICK.withInitialDelay(Duration.ofMinutes(1)).withMaxDelay(Duration.ofMinutes(1)));
        assertEquals(List.of("connecting 1", "retry 2 after 60000 ms: REJECTED"), events.next(2));
        client.close();
        assertTrue(connection.awaitClosed(WAIT));
        assertTrue(connection.isClosed());
        assertEquals(List.of(), events.rest());
        assertThrows(IllegalStateException.class, () -> client.connectReconnecting(
                ClientRequest.of(server.echo("late")), subscriber, QUICK, events));
    }

    @Test
    void closingTheClientEndsAConnectedOneWithGoingAway() throws Exception {
        connect(server.echo("feed"), QUICK);
        assertTrue(connection.awaitConnected(WAIT).isPresent());
        client.close();
        assertTrue(connection.awaitClosed(WAIT));
        assertEquals(List.of("connecting 1", "connected 1", "disconnected 1001"), events.rest());
        awaitSize(server.closed, 1);
        assertEquals(List.of(CloseCode.GOING_AWAY), server.closed);
    }

    /** Waits (bounded) until the server has seen {@code size} sessions end. */
    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (list.size() < size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + list + " within " + WAIT);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
