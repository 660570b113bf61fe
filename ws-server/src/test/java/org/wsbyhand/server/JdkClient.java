package org.wsbyhand.server;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@link java.net.http.WebSocket} client as an independent peer: collects whole messages
 * (reassembling the parts the JDK delivers), pongs and the close.
 */
final class JdkClient implements WebSocket.Listener {
    /** The server's close as the client saw it. */
    record Close(int code, String reason) {}

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    WebSocket socket;

    static JdkClient connect(HttpClient http, int port, String path, String... subprotocols) throws Exception {
        JdkClient client = new JdkClient();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(message);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failed.complete(error);
        closed.completeExceptionally(error);
    }

    Object nextMessage() throws InterruptedException {
        Object message = messages.poll(30, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 30 s");
        }
        return message;
    }

    Close awaitClose() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }
}
