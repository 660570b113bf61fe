package com.example.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.server.WebSocketServer;

/** The client against a real ws-server on a free port. */
@Timeout(30)
class WebSocketClientTest {
    private static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(Session session, String text) {
                        if (text.equals("bye")) {
                            session.close(CloseCode.NORMAL_CLOSURE, "see you");
                        } else {
                            session.sendText(text);
                        }
                    }
                })
                .build();
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void echoesTextsOfAnySizeThenClosesCleanly() throws Exception {
        WebSocketClient client = WebSocketClient.connect("127.0.0.1", server.port(), "/echo");
        client.sendText("hello ✓");
        assertEquals("hello ✓", client.receiveText());
        String big = "x".repeat(200_000); // many socket reads, a 64-bit length header
        client.sendText(big);
        assertEquals(big, client.receiveText());
        client.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, client.closeCode());
    }

    @Test
    void seesTheServerClose() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect("127.0.0.1", server.port(), "/echo")) {
            client.sendText("bye");
            assertNull(client.receiveText());
            assertEquals(CloseCode.NORMAL_CLOSURE, client.closeCode());
        }
    }

    @Test
    void failsTheHandshakeOnAnUnknownPath() {
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> WebSocketClient.connect("127.0.0.1", server.port(), "/nowhere"));
        assertEquals(404, e.status());
    }
}
