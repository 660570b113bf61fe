package org.wsbyhand.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.server.HandshakeSummary;
import org.wsbyhand.server.ServerListener;
import org.wsbyhand.server.SessionSummary;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The meters after a scripted run on real sockets with the JDK's WebSocket client: one refused
 * upgrade, one echo session of three messages closed with 1000, one slow consumer closed with 1008.
 * A second listener, registered after the meters, tells the script when the server has reported
 * each step: listeners are called in order, so the meters have counted it by then.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketMetricsIT {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<Object> reported = new LinkedBlockingQueue<>();
    private double openWhileEchoing;
    /** Kept reachable: the gauges and function counters hold the server weakly, as Micrometer's do. */
    private WebSocketServer server;

    @BeforeAll
    void runAScriptedSession() throws Exception {
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }
        };
        WebSocketHandler flood = new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                for (int i = 0; i < 3; i++) {
                    session.sendBinary(new byte[600]); // queued before any is written: the second is over 1000
                }
            }
        };
        ServerListener steps = new ServerListener() {
            @Override
            public void handshake(HandshakeSummary handshake) {
                reported.add(handshake);
            }

            @Override
            public void sessionClosed(SessionSummary summary) {
                reported.add(summary);
            }
        };
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .pingInterval(Duration.ZERO).maxOutboundBytes(1000)
                .route("/echo", echo).route("/flood", flood)
                .listener(new WebSocketMetrics(registry)).listener(steps).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            server.start();

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> JdkClient.connect(http, server.port(), "/nowhere"));
            assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            awaitReport(HandshakeSummary.class);

            JdkClient client = JdkClient.connect(http, server.port(), "/echo");
            for (String message : List.of("one", "two", "three")) {
                assertEquals(message, client.echo(message));
            }
            openWhileEchoing = registry.get(WebSocketMetrics.SESSIONS_OPEN).gauge().value();
            client.socket.sendClose(1000, "bye").get(30, TimeUnit.SECONDS);
            assertEquals(1000, client.closed.get(30, TimeUnit.SECONDS));
            awaitReport(SessionSummary.class);

            JdkClient flooded = JdkClient.connect(http, server.port(), "/flood");
            assertEquals(1008, flooded.closed.get(30, TimeUnit.SECONDS));
            awaitReport(SessionSummary.class);
        } finally {
            server.close();
        }
    }

    /** Waits until the server reported a step of {@code type}, skipping others. */
    private void awaitReport(Class<?> type) throws InterruptedException {
        while (true) {
            Object next = reported.poll(30, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("the server reported no " + type.getSimpleName() + " within 30 s");
            }
            if (type.isInstance(next)) {
                return;
            }
        }
    }

    private double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    private double functionCounter(String name, String direction) {
        return registry.get(name).tag("direction", direction).functionCounter().count();
    }

    @Test
    void upgradesAreCountedByStatus() {
        assertEquals(List.of(2.0, 1.0), List.of(counter(WebSocketMetrics.UPGRADES, "status", "101"),
                counter(WebSocketMetrics.UPGRADES, "status", "404")));
    }

    @Test
    void theOpenSessionsGaugeFollowsTheServer() {
        assertEquals(List.of(1.0, 0.0),
                List.of(openWhileEchoing, registry.get(WebSocketMetrics.SESSIONS_OPEN).gauge().value()));
    }

    @Test
    void messagesAreCountedEachWay() {
        // In: three echoed texts. Out: their echoes and the flood's one message that fitted.
        assertEquals(List.of(3.0, 4.0), List.of(functionCounter(WebSocketMetrics.MESSAGES, "in"),
                functionCounter(WebSocketMetrics.MESSAGES, "out")));
    }

    @Test
    void bytesAreCountedEachWay() {
        // In: "one" 2 + 4 + 3 = 9, "two" 9, "three" 11, close 1000 "bye" 2 + 4 + 5 = 11; then the
        // flood client's close 1008: 2 + 4 + 2 = 8. Out: echoes 5 + 5 + 7, close echo 4; the flood's
        // 600-byte message 604 and its close 1008 "too many unsent bytes" 2 + 2 + 21 = 25.
        assertEquals(List.of(48.0, 650.0), List.of(functionCounter(WebSocketMetrics.BYTES, "in"),
                functionCounter(WebSocketMetrics.BYTES, "out")));
    }

    @Test
    void closesAreCountedByCode() {
        assertEquals(List.of(1.0, 1.0), List.of(counter(WebSocketMetrics.CLOSES, "code", "1000"),
                counter(WebSocketMetrics.CLOSES, "code", "1008")));
    }

    @Test
    void aSlowConsumerIsCountedByPolicy() {
        assertEquals(1.0, counter(WebSocketMetrics.SLOW_CONSUMERS, "policy", "CLOSE"));
    }

    @Test
    void eachSessionsSendQueueHighWaterIsRecorded() {
        DistributionSummary highWater = registry.get(WebSocketMetrics.SEND_QUEUE_HIGH_WATER).summary();
        // The echo session held at most one 7-byte echo; the flood session its one 604-byte message.
        assertEquals(List.of(2L, 611.0, 604.0), List.of(highWater.count(), highWater.totalAmount(), highWater.max()));
    }
}
