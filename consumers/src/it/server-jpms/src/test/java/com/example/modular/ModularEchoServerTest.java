package com.example.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.server.WebSocketServer;

/** Surefire runs these tests inside the module, with ws-server and ws-protocol as named modules. */
@Timeout(30)
class ModularEchoServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private WebSocketServer server;

    @Test
    void runsOnTheModulePath() {
        assertEquals("com.example.modular", ModularEchoServer.class.getModule().getName());
        assertEquals("org.wsbyhand.server", WebSocketServer.class.getModule().getName());
        assertEquals("org.wsbyhand.protocol", org.wsbyhand.protocol.CloseCode.class.getModule().getName());
    }

    @Test
    void echoesAText() throws Exception {
        server = ModularEchoServer.start(0);
        CompletableFuture<String> echo = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        echo.complete(data.toString());
                        socket.request(1); // so that the server's close frame is read too
                        return null;
                    }
                })
                .join();
        ws.sendText("hello, modules", true).join();
        assertEquals("hello, modules", echo.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @AfterEach
    void stop() {
        // The server first: its 1001 ends the client's connection, which HttpClient.close() waits for.
        if (server != null) {
            server.close();
        }
        http.close();
    }
}
