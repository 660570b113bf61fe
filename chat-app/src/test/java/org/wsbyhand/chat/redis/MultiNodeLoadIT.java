package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.chat.ChatApp;
import org.wsbyhand.chat.ChatConfig;

/**
 * A bounded load test: two nodes sharing a room through Redis, 200 clients on each, every client
 * posts; every client must receive every accepted message exactly once and in the same order.
 * The end-to-end delivery rate is printed and written to {@code target/redis-load-result.txt};
 * it is reported, never asserted.
 */
class MultiNodeLoadIT {

    private static final int NODES = 2;
    private static final int CLIENTS_PER_NODE = 200;
    private static final int POSTS_PER_CLIENT = 2;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** What one client saw: the ids of new messages in arrival order, and the error replies. */
    private static final class Received {
        final ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> texts = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    }

    @Test
    void twoNodesWithTwoHundredClientsEachDeliverEveryMessageToEveryClientExactlyOnce() throws Exception {
        int clients = NODES * CLIENTS_PER_NODE;
        int messages = clients * POSTS_PER_CLIENT;
        long expectedDeliveries = (long) messages * clients;
        AtomicLong delivered = new AtomicLong();
        AtomicLong lastDeliveryNanos = new AtomicLong();
        List<AutoCloseable> open = new ArrayList<>();
        ExecutorService callbacks = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().executor(callbacks).connectTimeout(NodeClient.TIMEOUT).build();
        try (RedisServerProcess redis = RedisServerProcess.start(dir)) {
            List<ChatApp> nodes = new ArrayList<>();
            for (int n = 0; n < NODES; n++) {
                ChatApp node = ChatApp.start(ChatConfig.parse(List.of("--port", "0", "--bind", "127.0.0.1",
                        "--redis", redis.url(), "--redis-prefix", "load", "--rate", "100", "--burst", "100",
                        // every client posts at once from one address: only the per-connection budget applies
                        "--address-rate", "0", "--room-rate", "10000", "--room-burst", "10000"),
                        Map.of()));
                nodes.add(node);
                open.add(node);
            }
            List<Received> received = new ArrayList<>();
            List<NodeClient> sockets = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Received r = new Received();
                boolean keepTexts = i == 0;
                received.add(r);
                NodeClient c = NodeClient.connect(http, nodes.get(i % NODES).port(), NodeClient.LEAN, text -> {
                    // Cheap dispatch: only new messages and errors are parsed.
                    if (text.startsWith("{\"type\":\"message\"")) {
                        JsonNode m = NodeClient.parse(text);
                        r.ids.add(m.path("id").asLong());
                        if (keepTexts) {
                            r.texts.add(m.path("text").asText());
                        }
                        delivered.incrementAndGet();
                        lastDeliveryNanos.set(System.nanoTime());
                    } else if (text.startsWith("{\"type\":\"error\"")) {
                        r.errors.add(text);
                    }
                });
                sockets.add(c);
                open.add(c);
            }

            Set<String> posted = new HashSet<>();
            long start = System.nanoTime();
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> sends = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    NodeClient c = sockets.get(i);
                    List<String> texts = new ArrayList<>();
                    for (int k = 0; k < POSTS_PER_CLIENT; k++) {
                        texts.add("c" + i + "-m" + k);
                    }
                    posted.addAll(texts);
                    // One sender per client: a WebSocket sends one message at a time.
                    sends.add(senders.submit(() -> texts.forEach(t -> c.post("user", t))));
                }
                for (Future<?> f : sends) {
                    f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                }
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (delivered.get() < expectedDeliveries && System.nanoTime() < deadline
                    && received.stream().allMatch(r -> r.errors.isEmpty())) {
                RedisServerProcess.sleep(Duration.ofMillis(20));
            }
            long elapsedNanos = Math.max(1, lastDeliveryNanos.get() - start);
            // Anything delivered twice would arrive within a few reader block times.
            RedisServerProcess.sleep(Duration.ofSeconds(1));

            for (Received r : received) {
                assertEquals(List.of(), List.copyOf(r.errors), "no post was refused");
            }
            List<Long> reference = List.copyOf(received.get(0).ids);
            assertEquals(messages, reference.size(), "client 0 received every message once");
            for (int i = 1; i < reference.size(); i++) {
                assertTrue(reference.get(i - 1) < reference.get(i), "ids increase");
            }
            assertEquals(posted, new HashSet<>(received.get(0).texts), "exactly the posted messages");
            for (int i = 1; i < clients; i++) {
                assertEquals(reference, List.copyOf(received.get(i).ids),
                        "client " + i + " received every message exactly once, in the same order");
            }
            assertEquals(expectedDeliveries, delivered.get());

            double seconds = elapsedNanos / 1e9;
            String result = String.format(java.util.Locale.ROOT,
                    "redis load: %d nodes x %d clients (chat.v2), %d messages, %d deliveries in %.2f s"
                            + " = %.0f deliveries/s end to end (%.0f messages/s accepted and fanned out)%n",
                    NODES, CLIENTS_PER_NODE, messages, expectedDeliveries, seconds,
                    expectedDeliveries / seconds, messages / seconds);
            System.out.print(result);
            writeResult(result);

            for (ChatApp node : nodes) {
                node.close(); // 1001 Going Away to every client at once
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            callbacks.shutdownNow();
            callbacks.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void writeResult(String line) {
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.writeString(target.resolve("redis-load-result.txt"), line, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            System.out.println("could not write the load result: " + e);
        }
    }
}
