package org.wsbyhand.micrometer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JDK's WebSocket client as the peer: collects text messages and the server's close, which it answers. */
final class JdkClient implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    WebSocket socket;

    static JdkClient connect(HttpClient http, int port, String path) throws Exception {
        JdkClient client = new JdkClient();
        client.socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
                .get(30, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            texts.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        webSocket.sendClose(statusCode, ""); // answers the server's close; does nothing after our own
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Sends a text and returns the echo. */
    String echo(String message) throws Exception {
        socket.sendText(message, true).get(30, TimeUnit.SECONDS);
        String echo = texts.poll(30, TimeUnit.SECONDS);
        if (echo == null) {
            throw new AssertionError("no echo within 30 s");
        }
        return echo;
    }
}
