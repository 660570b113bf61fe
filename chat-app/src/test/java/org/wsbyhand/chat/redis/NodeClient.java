package org.wsbyhand.chat.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A chat client on the JDK's own WebSocket client (independent of ws-server) for the multi-node
 * tests. All clients share one {@link HttpClient}, so hundreds of them cost one selector thread.
 * Every wait has a timeout.
 */
final class NodeClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final String LEAN = "chat.v2";
    static final String JSON = "json";
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final String protocol;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final Consumer<String> onText;
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private NodeClient(HttpClient http, int port, String protocol, Consumer<String> onText) {
        this.protocol = protocol;
        this.onText = onText != null ? onText : text -> received.add(parse(text));
        try {
            socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT).subprotocols(protocol)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new Listener())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to port " + port, e);
        }
    }

    /** A client speaking {@code protocol} whose every message is queued for {@link #next}. */
    static NodeClient connect(int port, String protocol) {
        return new NodeClient(HTTP, port, protocol, null);
    }

    /**
     * A client on {@code http} speaking {@code protocol} that hands every text message to
     * {@code onText} (on {@code http}'s executor, one message at a time) instead of queueing it.
     */
    static NodeClient connect(HttpClient http, int port, String protocol, Consumer<String> onText) {
        return new NodeClient(http, port, protocol, onText);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onText.accept(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    String protocol() {
        return protocol;
    }

    /** Sends a post in this client's protocol. */
    void post(String user, String text) {
        ObjectNode post = MAPPER.createObjectNode();
        if (protocol.equals(LEAN)) {
            post.put("type", "post");
        }
        post.put("user", user).put("text", text);
        socket.sendText(post.toString(), true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The next message (chat.v2 presence updates skipped), waiting at most {@link #TIMEOUT}. */
    JsonNode next() {
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                JsonNode node = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (node == null) {
                    throw new AssertionError(protocol + " client: no message within " + TIMEOUT);
                }
                if (!"presence".equals(node.path("type").asText())) {
                    return node;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The next message if one (other than presence) arrives within {@code wait}, else null. */
    JsonNode poll(Duration wait) {
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                JsonNode node = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (node == null || !"presence".equals(node.path("type").asText())) {
                    return node;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                closed.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The node may already be gone; abort below either way.
            }
        }
        socket.abort();
    }
}
