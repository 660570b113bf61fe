package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A chat client for integration tests on the JDK's own WebSocket client (an implementation
 * independent of ws-server). Every wait has a timeout.
 */
final class ChatClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** Sees each whole message the moment it arrives, before it is queued for {@link #next}. */
    private volatile Consumer<String> tap = text -> { };
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    private ChatClient(int port, String origin, String... subprotocols) throws Exception {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new Listener())
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Connects without an Origin header, offering {@code subprotocols} in order. */
    static ChatClient connect(int port, String... subprotocols) throws Exception {
        return new ChatClient(port, null, subprotocols);
    }

    /** Connects with an Origin header, as a browser page would. */
    static ChatClient connectFrom(String origin, int port, String... subprotocols) throws Exception {
        return new ChatClient(port, origin, subprotocols);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                tap.accept(partial.toString());
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    /** The subprotocol the server chose, if any. */
    Optional<String> subprotocol() {
        String p = socket.getSubprotocol();
        return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Sends a chat.v2 post. */
    void post(String user, String text) {
        com.fasterxml.jackson.databind.node.ObjectNode post = Json.object();
        post.put("type", "post").put("user", user).put("text", text);
        send(Json.write(post));
    }

    /** Sends a course-protocol post. */
    void postJson(String user, String text) {
        com.fasterxml.jackson.databind.node.ObjectNode post = Json.object();
        post.put("user", user).put("text", text);
        send(Json.write(post));
    }

    /** Hands every message arriving from now on to {@code consumer} first, on the client's thread. */
    void tap(Consumer<String> consumer) {
        tap = consumer;
    }

    /** The next message if one arrives within {@code wait}, else null. */
    String poll(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message, waiting at most {@link #TIMEOUT}. */
    String next() throws InterruptedException {
        String message = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(message, "no message within " + TIMEOUT);
        return message;
    }

    /** The next message that is not a chat.v2 presence update (those arrive whenever anyone joins or leaves). */
    JsonNode nextSkippingPresence() throws InterruptedException {
        while (true) {
            JsonNode node = JsonProtocolTest.tree(next());
            if (!"presence".equals(node.path("type").asText())) {
                return node;
            }
        }
    }

    /** The close code the server sent, waiting at most {@link #TIMEOUT}. */
    int awaitClose() throws Exception {
        return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Asserts the next non-presence message is a chat.v2 error with this code. */
    void expectLeanError(String code) throws InterruptedException {
        JsonNode reply = nextSkippingPresence();
        assertEquals("error", reply.path("type").asText(), reply.toString());
        assertEquals(code, reply.path("code").asText(), reply.toString());
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // The server may already be gone; abort below either way.
            }
        }
        socket.abort();
    }
}
