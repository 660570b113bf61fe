package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.server.WebSocketServer;

/** The servers on a free port, driven by the JDK's own WebSocket client. */
@Timeout(30)
class ServerAppTest {

    /** Collects the text messages a client receives. */
    static final class Inbox implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String text = texts.poll(10, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("no message within 10 s");
            }
            return text;
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private WebSocketServer server;

    @AfterEach
    void stop() {
        // The server first: its 1001 ends the clients' connections, which HttpClient.close() waits for.
        if (server != null) {
            server.close();
        }
        http.close();
    }

    private WebSocket connect(String path, Inbox inbox) {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + path);
        return http.newWebSocketBuilder().buildAsync(uri, inbox).join();
    }

    @Test
    void echoesAText() throws Exception {
        server = EchoServer.start(0);
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/echo", inbox);
        ws.sendText("hello ✓", true).join();
        assertEquals("hello ✓", inbox.next());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void chatRoomSendsEveryMessageToEveryone() throws Exception {
        server = ChatServer.start(0);
        Inbox alice = new Inbox();
        WebSocket aliceSocket = connect("/chat", alice);
        assertEquals("welcome, 1 online", alice.next());
        Inbox bob = new Inbox();
        WebSocket bobSocket = connect("/chat", bob);
        assertEquals("welcome, 2 online", bob.next());

        aliceSocket.sendText("hi all", true).join();
        assertEquals("hi all", alice.next());
        assertEquals("hi all", bob.next());

        server.broadcast(PreparedMessage.text("server shutting down"));
        assertEquals("server shutting down", alice.next());
        assertEquals("server shutting down", bob.next());
        aliceSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        bobSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }
}
