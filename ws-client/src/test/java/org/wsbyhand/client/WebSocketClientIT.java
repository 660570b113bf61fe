package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/** The client against our own server on loopback: the session API from the client's side. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketClientIT {
    private WebSocketServer server;
    private WebSocketClient client;
    private final CompletableFuture<Recorder.Closed> serverSaw = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                if (text.startsWith("close:")) {
                    session.close(CloseCode.of(Integer.parseInt(text.substring(6, 10))), text.substring(11));
                } else {
                    session.sendText(text);
                }
            }

            @Override
            public void onBinary(Session session, byte[] data) {
                session.sendBinary(data);
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
                serverSaw.complete(new Recorder.Closed(code, reason));
            }
        };
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/echo", echo)
                .subprotocols("chat.v2", "chat").maxMessageSize(4 << 20).maxFrameSize(4 << 20).build();
        server.start();
        client = WebSocketClient.builder().maxMessageSize(4 << 20).maxFrameSize(4 << 20).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private URI echo() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/echo");
    }

    @Test
    void echoesTextAndBinaryAcrossTheLengthBoundaries() throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connect(echo(), recorder);
        recorder.opened.get(20, TimeUnit.SECONDS);
        assertTrue(session.isCompressed(), "permessage-deflate is offered by default and our server accepts it");
        for (int length : new int[] {0, 1, 125, 126, 65535, 65536, 1 << 20}) {
            String text = "é".repeat(length / 2) + "a".repeat(length % 2);
            session.sendText(text);
            assertEquals(text, recorder.text(), "text of " + length + " bytes");
            byte[] data = new byte[length];
            new java.util.Random(length).nextBytes(data);
            session.sendBinary(data);
            assertArrayEquals(data, recorder.binary(), "binary of " + length + " bytes");
        }
        session.close();
        assertEquals(new Recorder.Closed(CloseCode.NORMAL_CLOSURE, ""), serverSaw.get(20, TimeUnit.SECONDS));
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
        assertTrue(client.sessions().isEmpty(), "an ended session leaves the client");
    }

    @Test
    void theServerClosesWithACodeAndReason() throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connect(echo(), recorder);
        session.sendText("close:4001:bye");
        assertEquals(new Recorder.Closed(CloseCode.of(4001), "bye"), recorder.awaitClosed());
        assertFalse(session.isOpen());
    }

    @Test
    void subprotocolsAreOfferedInOrderAndTheServersChoiceIsExposed() throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connect(ClientRequest.to(echo()).subprotocols("chat", "chat.v2")
                .header("Cookie", "user=ada").header("Authorization", "Bearer t").build(), recorder);
        // The server picks by its own preference among those offered.
        assertEquals(Optional.of("chat.v2"), session.subprotocol());
        assertEquals(java.util.List.of("chat", "chat.v2"), session.request().offeredSubprotocols());
        assertEquals("ada", session.request().cookies().get("user"));
        assertEquals(101, session.attribute(WebSocketClient.HANDSHAKE_RESPONSE).orElseThrow().status());
        assertEquals(client, WebSocketClient.of(session));
    }

    @Test
    void connectAsyncCompletesWithTheSessionOrTheFailure() throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connectAsync(echo(), recorder).get(20, TimeUnit.SECONDS);
        session.sendText("async");
        assertEquals("async", recorder.text());
        CompletableFuture<Session> refused = client.connectAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/nowhere"), new Recorder());
        java.util.concurrent.ExecutionException failed =
                assertThrows(java.util.concurrent.ExecutionException.class, () -> refused.get(20, TimeUnit.SECONDS));
        WebSocketConnectException cause = (WebSocketConnectException) failed.getCause();
        assertEquals(WebSocketConnectException.Failure.REJECTED, cause.failure());
        assertEquals(404, cause.status());
    }

    @Test
    void aRejectionCarriesTheStatusAndTheStartOfTheBody() {
        WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                () -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/missing"), new Recorder()));
        assertEquals(WebSocketConnectException.Failure.REJECTED, e.failure());
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
    }

    @Test
    void withoutCompressionNothingIsOffered() throws Exception {
        try (WebSocketClient plain = WebSocketClient.builder().compression(false).build()) {
            Recorder recorder = new Recorder();
            Session session = plain.connect(echo(), recorder);
            assertFalse(session.isCompressed());
            assertTrue(session.request().header("Sec-WebSocket-Extensions").isEmpty());
            session.sendText("plain");
            assertEquals("plain", recorder.text());
        }
    }

    @Test
    void closingTheClientClosesItsSessionsWithGoingAway() throws Exception {
        Recorder recorder = new Recorder();
        client.connect(echo(), recorder);
        client.close();
        assertEquals(CloseCode.GOING_AWAY, serverSaw.get(20, TimeUnit.SECONDS).code());
        assertEquals(CloseCode.GOING_AWAY, recorder.awaitClosed().code());
        assertThrows(java.io.IOException.class, () -> client.connect(echo(), new Recorder()));
    }

    @Test
    void aBinaryMessageIsCopiedAtSendTime() throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connect(echo(), recorder);
        byte[] data = "first".getBytes(StandardCharsets.UTF_8);
        session.sendBinary(java.nio.ByteBuffer.wrap(data));
        data[0] = 'X';
        assertEquals("first", new String(recorder.binary(), StandardCharsets.UTF_8));
        session.sendPing("hb".getBytes(StandardCharsets.UTF_8));
        byte[] pong = recorder.pongs.poll(20, TimeUnit.SECONDS);
        assertArrayEquals("hb".getBytes(StandardCharsets.UTF_8), pong);
        assertTrue(Duration.ZERO.isZero());
    }
}
