package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.server.jfr.HandshakeEvent;
import org.wsbyhand.server.jfr.ProtocolViolationEvent;
import org.wsbyhand.server.jfr.SessionClosedEvent;
import org.wsbyhand.server.jfr.SlowConsumerEvent;
import org.wsbyhand.session.Session;

/**
 * The server's JFR events, read back from a recording of a scripted run on real sockets: a refused
 * upgrade, a clean echo session, a protocol violation, a slow consumer and a compressed session.
 * The script waits for each session's end through a {@link ServerListener}, which the server calls
 * right after committing the event, so the recording holds every event when it stops. Only events
 * on this test's paths ({@code /jfr/...}) count: other servers in the JVM may record too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrEventsIT {
    private static final int PAYLOAD = 600;
    private static final int FRAME = PAYLOAD + 4;
    private static final String COMPRESSIBLE = "hello hello ".repeat(75); // 900 bytes, well under the bound

    private final List<Integer> clientPorts = new ArrayList<>();
    private List<RecordedEvent> events;
    private String echoSession;
    private String violationSession;
    private String floodSession;
    private String compressedSession;
    private ServerStats.Compression compressionStats;

    @BeforeAll
    void recordAScriptedRun() throws Exception {
        RecordingListener listener = new RecordingListener();
        RecordingHandler flood = new RecordingHandler(false) {
            @Override
            public void onOpen(Session session) {
                super.onOpen(session);
                for (int i = 0; i < 3; i++) {
                    session.sendBinary(new byte[PAYLOAD]); // the second finds 604 bytes unsent: over 1000
                }
            }
        };
        Path file = Files.createTempFile("ws-by-hand-", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable(HandshakeEvent.class).withoutThreshold();
            recording.enable(SessionClosedEvent.class);
            recording.enable(SlowConsumerEvent.class);
            recording.enable(ProtocolViolationEvent.class);
            recording.start();
            try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .pingInterval(Duration.ZERO).maxOutboundBytes(1000)
                    .route("/jfr/echo", new RecordingHandler(true)).route("/jfr/flood", flood)
                    .listener(listener).build()) {
                server.start();
                int port = server.port();

                try (RawClient client = RawClient.connect(port)) {
                    clientPorts.add(client.socket.getLocalPort());
                    client.request(RawClient.upgradeRequest("/jfr/nowhere", RawClient.newKey()));
                }
                listener.skipTo(HandshakeSummary.class);

                try (RawClient client = RawClient.open(port, "/jfr/echo")) {
                    clientPorts.add(client.socket.getLocalPort());
                    client.sendText("hello");
                    client.readFrame();
                    client.sendClose(1000, "bye");
                    client.readUntilClose();
                }
                echoSession = listener.skipTo(SessionSummary.class).session().id();

                try (RawClient client = RawClient.open(port, "/jfr/echo")) {
                    clientPorts.add(client.socket.getLocalPort());
                    client.sendFrame(true, 0x1, "plain".getBytes(), false);
                    client.readUntilClose();
                }
                violationSession = listener.skipTo(SessionSummary.class).session().id();

                try (RawClient client = RawClient.open(port, "/jfr/flood")) {
                    clientPorts.add(client.socket.getLocalPort());
                    client.readUntilClose();
                    client.sendClose(1008, "");
                    client.serverClosed();
                }
                floodSession = listener.skipTo(SessionSummary.class).session().id();

                try (DeflateClient client = DeflateClient.open(port, "/jfr/echo", DeflateOptions.defaults())) {
                    clientPorts.add(client.socket.getLocalPort());
                    client.sendText(COMPRESSIBLE);
                    assertEquals(COMPRESSIBLE, client.nextText());
                    assertTrue(client.lastMessageCompressed());
                    client.close(1000);
                    client.nextText();
                } catch (EOFException closed) {
                    // the closing handshake ended the exchange
                }
                compressedSession = listener.skipTo(SessionSummary.class).session().id();
                compressionStats = server.stats().compression();
            }
            recording.stop();
            recording.dump(file);
        }
        try {
            events = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.hasField("path") && e.getString("path") != null && e.getString("path").startsWith("/jfr/"))
                    .toList();
        } finally {
            Files.delete(file);
        }
    }

    private List<RecordedEvent> events(String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private RecordedEvent closedEvent(String session) {
        List<RecordedEvent> found = events("org.wsbyhand.SessionClosed").stream()
                .filter(e -> e.getString("session").equals(session)).toList();
        assertEquals(1, found.size(), "one SessionClosed event for session " + session);
        return found.get(0);
    }

    /** The fields of an event that a scripted run makes exact, by name. */
    private static Map<String, Object> fields(RecordedEvent event, String... names) {
        return java.util.Arrays.stream(names).collect(Collectors.toMap(n -> n, event::getValue));
    }

    @Test
    void everyUpgradeIsRecordedWithItsPathStatusClientAndAPositiveDuration() {
        List<RecordedEvent> handshakes = events("org.wsbyhand.Handshake");
        assertEquals(List.of("101 /jfr/echo", "101 /jfr/echo", "101 /jfr/echo", "101 /jfr/flood", "404 /jfr/nowhere"),
                handshakes.stream().map(e -> e.getInt("status") + " " + e.getString("path")).sorted().toList());
        assertEquals(clientPorts.stream().map(p -> "127.0.0.1:" + p).sorted().toList(),
                handshakes.stream().map(e -> e.getString("remoteAddress")).sorted().toList());
        assertTrue(handshakes.stream().allMatch(e -> e.getDuration().compareTo(Duration.ZERO) > 0
                && e.getDuration().compareTo(Duration.ofSeconds(30)) < 0), "durations: " + handshakes);
    }

    @Test
    void aCleanCloseIsRecordedWithWhoClosedItsDurationAndItsTrafficEachWay() {
        RecordedEvent closed = closedEvent(echoSession);
        // In: "hello" 2 + 4 + 5 = 11 bytes, the close 2 + 4 + 2 + 3 = 11. Out: the echo 7, the close echo 4.
        assertEquals(Map.ofEntries(Map.entry("path", "/jfr/echo"), Map.entry("closeCode", 1000),
                Map.entry("closeReason", "bye"), Map.entry("closedBy", "PEER_CLOSE"), Map.entry("messagesIn", 1L),
                Map.entry("messagesOut", 1L), Map.entry("bytesIn", 22L), Map.entry("bytesOut", 11L),
                Map.entry("outboundHighWater", 7L), Map.entry("compressed", false),
                Map.entry("compressionRatioIn", 0.0), Map.entry("compressionRatioOut", 0.0)),
                fields(closed, "path", "closeCode", "closeReason", "closedBy", "messagesIn", "messagesOut", "bytesIn",
                        "bytesOut", "outboundHighWater", "compressed", "compressionRatioIn", "compressionRatioOut"));
        assertTrue(closed.getLong("sessionDuration") > 0);
    }

    @Test
    void aProtocolViolationIsRecordedWithItsRuleAndCloseCodeAndEndsTheSessionAsAFailure() {
        List<RecordedEvent> violations = events("org.wsbyhand.ProtocolViolation");
        assertEquals(List.of(Map.of("session", violationSession, "rule", "UNMASKED_CLIENT_FRAME", "closeCode", 1002)),
                violations.stream().map(e -> fields(e, "session", "rule", "closeCode")).toList());
        assertEquals(Map.of("closeCode", 1002, "closedBy", "FAILURE", "bytesIn", 7L, "messagesIn", 0L),
                fields(closedEvent(violationSession), "closeCode", "closedBy", "bytesIn", "messagesIn"));
    }

    @Test
    void aSlowConsumerIsRecordedWithTheBoundItsQueuedBytesAndThePolicy() {
        List<RecordedEvent> slow = events("org.wsbyhand.SlowConsumer");
        assertEquals(List.of(Map.of("session", floodSession, "path", "/jfr/flood", "bound", 1000L,
                "queuedBytes", (long) FRAME, "policy", "CLOSE")),
                slow.stream().map(e -> fields(e, "session", "path", "bound", "queuedBytes", "policy")).toList());
        assertEquals(Map.of("closeCode", 1008, "closedBy", "LOCAL_CLOSE", "messagesOut", 1L),
                fields(closedEvent(floodSession), "closeCode", "closedBy", "messagesOut"));
    }

    @Test
    void aCompressedSessionIsRecordedWithTheRatiosOfItsOwnTraffic() {
        RecordedEvent closed = closedEvent(compressedSession);
        // It is the server's only compressed session: its ratios are the server's.
        assertEquals(Map.of("compressed", true, "messagesIn", 1L, "messagesOut", 1L,
                "compressionRatioIn", compressionStats.ratioIn(), "compressionRatioOut", compressionStats.ratioOut()),
                fields(closed, "compressed", "messagesIn", "messagesOut", "compressionRatioIn", "compressionRatioOut"));
        assertTrue(closed.getDouble("compressionRatioIn") > 5 && closed.getDouble("compressionRatioOut") > 5,
                "a repeated word compresses well: " + closed);
    }
}
